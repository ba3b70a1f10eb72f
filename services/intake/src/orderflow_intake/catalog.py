"""The channel SKU -> master SKU map, checked: no duplicate codes, no ambiguous variants, no
mapping to a master SKU the catalog does not know. Pure."""

from collections import Counter
from collections.abc import Collection, Iterable

from orderflow_contracts.setup import ChannelListing

from orderflow_intake.domain import Components


class ListingConflict(ValueError):
    """A mapping that would make a channel SKU mean two things, or something unknown."""


def normalised(channel_sku: str) -> str:
    """How two channel SKUs are compared: channels differ in case and stray spaces."""
    return channel_sku.strip().upper()


def components(listing: ChannelListing) -> Components:
    return tuple((item.sku, item.quantity) for item in listing.master_skus())


def problems_in(listing: ChannelListing, known_skus: Collection[str]) -> list[str]:
    """What is wrong with one listing on its own."""
    name = f"{listing.channel}:{listing.channel_sku}"
    found: list[str] = []
    if not listing.channel_sku.strip():
        found.append(f"{name}: the channel SKU is empty")
    found.extend(f"{name}: {problem}" for problem in component_problems(listing, known_skus))
    return found


def component_problems(listing: ChannelListing, known_skus: Collection[str]) -> list[str]:
    """A master SKU named twice, or one the catalog does not know."""
    found: list[str] = []
    repeated = [
        sku for sku, n in Counter(item.sku for item in listing.master_skus()).items() if n > 1
    ]
    if repeated:
        found.append(f"component {', '.join(repeated)} listed twice; give one quantity")
    unknown = [
        item.sku for item in listing.master_skus() if known_skus and item.sku not in known_skus
    ]
    if unknown:
        found.append(f"unknown master SKU {', '.join(unknown)}")
    return found


def check(listings: Iterable[ChannelListing], known_skus: Collection[str] = ()) -> None:
    """Refuse a set of listings with duplicate or ambiguous channel SKUs, naming every one."""
    found: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for listing in listings:
        found.extend(problems_in(listing, known_skus))
        key = (listing.channel, normalised(listing.channel_sku))
        if key in seen:
            earlier = seen[key]
            what = (
                "listed twice" if earlier == listing.channel_sku else f"ambiguous with {earlier!r}"
            )
            found.append(f"{listing.channel}:{listing.channel_sku}: {what}")
        else:
            seen[key] = listing.channel_sku
    if found:
        raise ListingConflict("; ".join(found))
