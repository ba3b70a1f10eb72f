"""Message templates per kind and language, as files: `messages/<language>.toml` in the
package, each overridable by a file of the same name in a seller's folder. English has every
kind and is the fallback; a message sent in it for lack of a translation says so."""

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

KINDS = (
    "confirmed",
    "backordered",
    "shipped",
    "out_for_delivery",
    "delayed",
    "failed_delivery",
    "delivered",
    "cancelled",
    "return_received",
)
FIELDS = frozenset({"name", "order_id", "carrier", "tracking_number", "tracking_url"})
FALLBACK = "en"


class TemplateError(ValueError):
    """A template file a service must not start with: named, with what is wrong."""


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    language: str  # the one it is written in
    fell_back: bool = False  # no template in the language asked for


@dataclass(frozen=True)
class Catalog:
    by_language: dict[str, dict[str, tuple[Template, Template]]]

    @classmethod
    def load(cls, overrides: Path | None = None) -> "Catalog":
        """The packaged templates, each kind of each language replaced by a seller's file of
        that language in `overrides`, if given."""
        by_language = _read_folder(files("orderflow_notifications").joinpath("messages"))
        if overrides is not None:
            if not overrides.is_dir():
                raise TemplateError(f"{overrides}: no such folder of templates")
            for language, kinds in _read_folder(overrides).items():
                by_language.setdefault(language, {}).update(kinds)
        missing = sorted(set(KINDS) - set(by_language.get(FALLBACK, {})))
        if missing:
            raise TemplateError(f"{FALLBACK}.toml, the fallback, lacks {', '.join(missing)}")
        return cls(by_language)

    @property
    def languages(self) -> list[str]:
        return sorted(self.by_language)

    def render(self, kind: str, language: str, **fields: str) -> Message:
        """`kind` in `language` ("pt-BR" reads as "pt"), else in English."""
        if kind not in KINDS:
            raise KeyError(f"no message for {kind!r}; kinds: {', '.join(KINDS)}")
        wanted = language.split("-")[0].lower()
        templates = self.by_language.get(wanted, {}).get(kind)
        written_in = wanted if templates else FALLBACK
        subject, body = templates or self.by_language[FALLBACK][kind]
        return Message(
            subject.safe_substitute(fields),
            body.safe_substitute(fields),
            written_in,
            fell_back=written_in != wanted,
        )


def _read_folder(folder: Traversable) -> dict[str, dict[str, tuple[Template, Template]]]:
    return {
        entry.name.removesuffix(".toml"): _read_file(entry)
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def _read_file(entry: Traversable) -> dict[str, tuple[Template, Template]]:
    try:
        document = tomllib.loads(entry.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{entry.name}: not TOML: {error}") from None
    kinds: dict[str, tuple[Template, Template]] = {}
    for kind, message in document.items():
        if kind not in KINDS:
            raise TemplateError(f"{entry.name}: [{kind}] is not a kind ({', '.join(KINDS)})")
        if not isinstance(message, dict) or set(message) != {"subject", "body"}:
            raise TemplateError(f"{entry.name}: [{kind}] needs exactly a subject and a body")
        kinds[kind] = (
            _checked(entry.name, kind, message["subject"]),
            _checked(entry.name, kind, message["body"]),
        )
    return kinds


def _checked(file: str, kind: str, text: object) -> Template:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{file}: [{kind}] has an empty subject or body")
    template = Template(text)
    unknown = set(template.get_identifiers()) - FIELDS
    if unknown or not template.is_valid():
        raise TemplateError(
            f"{file}: [{kind}] uses {', '.join(sorted(unknown)) or 'a malformed $placeholder'};"
            f" known: {', '.join(sorted(FIELDS))}"
        )
    return template


PACKAGED = Catalog.load()


def render(kind: str, language: str, **fields: str) -> Message:
    """From the packaged templates."""
    return PACKAGED.render(kind, language, **fields)
