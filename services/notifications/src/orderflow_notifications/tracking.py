"""Where a customer follows their parcel: the carrier's own tracking page for the carriers whose
link is stable and well known, 17TRACK (which follows most carriers by number) for the rest."""

from string import Template
from urllib.parse import quote

CARRIER_PAGES = {
    "usps": Template("https://tools.usps.com/go/TrackConfirmAction?tLabels=$number"),
    "ups": Template("https://www.ups.com/track?tracknum=$number"),
    "fedex": Template("https://www.fedex.com/fedextrack/?trknbr=$number"),
    "dhl": Template(
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=$number"
    ),
}
ANY_CARRIER = Template("https://t.17track.net/en#nums=$number")


def tracking_url(carrier: str, tracking_number: str) -> str:
    if not tracking_number:
        return ""
    page = CARRIER_PAGES.get(carrier.lower(), ANY_CARRIER)
    return page.substitute(number=quote(tracking_number, safe=""))
