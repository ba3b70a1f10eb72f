"""Message templates per kind and language, as files: `messages/<language>.toml` in the
package, each overridable by a file of the same name in a seller's folder. English has every
kind and is the fallback; a message sent in it for lack of a translation says so.

Besides the kinds, a file has `[lines]`, the lines a body shows only when there is something to
say (`eta`, in a body `$eta_line`: the expected delivery; `return`, in a body `$return_line`:
where to return an item; `amount`, in a body `$amount_line`: what a refund gave back) and the one every message ends with (`unsubscribe`, with
`$unsubscribe_url`), and `[dates]`, how the language writes a date: `format` with {day},
{month}, {month_number}, {year} and {buddhist_year}, the twelve `months`, and `range` with {first} and {last}."""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template
from typing import Any

KINDS = (
    "confirmed",
    "backordered",
    "shipped",
    "out_for_delivery",
    "delayed",
    "failed_delivery",
    "delivered",
    "cancelled",
    "cancelled_after_shipment",
    "lost",
    "returned_to_sender",
    "return_received",
    "refunded",
    "partially_refunded",
)
FIELDS = frozenset({"name", "order_id", "carrier", "tracking_number", "tracking_url"})
# Each optional line: its placeholder in a body, and the one placeholder it adds to FIELDS.
OPTIONAL_LINES = {
    "eta": ("eta_line", "eta"),
    "return": ("return_line", "return_url"),
    "amount": ("amount_line", "amount"),
}
BODY_FIELDS = FIELDS | {placeholder for placeholder, _ in OPTIONAL_LINES.values()}
# Each line of [lines] and the placeholder it adds: the optional ones, and `unsubscribe`, the
# line every message ends with (`$unsubscribe_url`), once even for a burst of news.
LINE_FIELDS = {line: value for line, (_, value) in OPTIONAL_LINES.items()} | {
    "unsubscribe": "unsubscribe_url"
}
DATES = {"format": str, "months": list, "range": str}
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
class Language:
    """One language's file: its messages by kind, its optional lines, how it writes dates."""

    kinds: dict[str, tuple[Template, Template]] = field(default_factory=dict)
    lines: dict[str, Template] = field(default_factory=dict)
    dates: dict[str, Any] = field(default_factory=dict)

    def updated(self, other: "Language") -> "Language":
        return Language(
            self.kinds | other.kinds, self.lines | other.lines, self.dates | other.dates
        )

    def written(self, day: date) -> str:
        return str(self.dates["format"]).format(
            day=day.day,
            month=self.dates["months"][day.month - 1],
            month_number=day.month,
            year=day.year,
            buddhist_year=day.year + 543,
        )

    def dates_between(self, first: date, last: date) -> str:
        if first == last:
            return self.written(first)
        return str(self.dates["range"]).format(first=self.written(first), last=self.written(last))


@dataclass(frozen=True)
class Catalog:
    by_language: dict[str, Language]

    @classmethod
    def load(cls, overrides: Path | None = None) -> "Catalog":
        """The packaged templates, each kind, line and date setting of each language replaced by
        a seller's file of that language in `overrides`, if given."""
        by_language = _read_folder(files("orderflow_notifications").joinpath("messages"))
        if overrides is not None:
            if not overrides.is_dir():
                raise TemplateError(f"{overrides}: no such folder of templates")
            for language, own in _read_folder(overrides).items():
                by_language[language] = by_language.get(language, Language()).updated(own)
        english = by_language.get(FALLBACK, Language())
        missing = [kind for kind in KINDS if kind not in english.kinds]
        missing += [f"[lines] {line}" for line in LINE_FIELDS if line not in english.lines]
        missing += [f"[dates] {key}" for key in DATES if key not in english.dates]
        if missing:
            raise TemplateError(f"{FALLBACK}.toml, the fallback, lacks {', '.join(missing)}")
        return cls(by_language)

    @property
    def languages(self) -> list[str]:
        return sorted(self.by_language)

    def unsubscribe_line(self, language: str, url: str) -> tuple[str, bool]:
        """Where the customer unsubscribes, said in `language`, else in English (then True)."""
        own = self.by_language.get(language, Language()).lines.get("unsubscribe")
        line = own or self.by_language[FALLBACK].lines["unsubscribe"]
        return line.safe_substitute(unsubscribe_url=url), own is None

    def render(
        self,
        kind: str,
        language: str,
        *,
        eta: tuple[date, date] | None = None,
        return_url: str = "",
        amount: str = "",
        **fields: str,
    ) -> Message:
        """`kind` in `language` ("pt-BR" reads as "pt"), else in English. The body's expected
        delivery line shows the days `eta` spans, if given; its return line `return_url`, its
        refund line `amount` ("5.00 EUR"), if given; else the line is left out."""
        if kind not in KINDS:
            raise KeyError(f"no message for {kind!r}; kinds: {', '.join(KINDS)}")
        wanted = language.split("-")[0].lower()
        own = self.by_language.get(wanted, Language())
        english = self.by_language[FALLBACK]
        templates = own.kinds.get(kind)
        written_in = wanted if templates else FALLBACK
        words = own if templates else english
        subject, body = templates or english.kinds[kind]
        fell_back = written_in != wanted
        said = {"eta": "", "return": return_url, "amount": amount}
        if eta is not None:
            dating = words if DATES.keys() <= words.dates.keys() else english
            fell_back |= dating is not words
            said["eta"] = dating.dates_between(*eta)
        for line, (placeholder, value) in OPTIONAL_LINES.items():
            if not said[line] or placeholder not in body.get_identifiers():
                continue
            line_template = words.lines.get(line)
            if line_template is None:
                line_template, fell_back = english.lines[line], True
            fields[placeholder] = line_template.safe_substitute(fields, **{value: said[line]})
        return Message(
            subject.safe_substitute(fields),
            _without_empty_lines(body, fields).safe_substitute(fields),
            written_in,
            fell_back=fell_back,
        )


def _without_empty_lines(body: Template, fields: dict[str, str]) -> Template:
    """`body` without the lines that hold only an optional line with nothing to say."""
    empty = {f"${p}" for p, _ in OPTIONAL_LINES.values() if not fields.get(p)}
    empty |= {"${" + e[1:] + "}" for e in empty}
    kept = [line for line in body.template.split("\n") if line.strip() not in empty]
    return Template("\n".join(kept))


def _read_folder(folder: Traversable) -> dict[str, Language]:
    return {
        entry.name.removesuffix(".toml"): _read_file(entry)
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def _read_file(entry: Traversable) -> Language:
    try:
        document = tomllib.loads(entry.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{entry.name}: not TOML: {error}") from None
    lines = _read_lines(entry.name, document.pop("lines", {}))
    dates = _read_dates(entry.name, document.pop("dates", {}))
    kinds: dict[str, tuple[Template, Template]] = {}
    for kind, message in document.items():
        if kind not in KINDS:
            raise TemplateError(
                f"{entry.name}: [{kind}] is not a kind ({', '.join(KINDS)}), [lines] or [dates]"
            )
        if not isinstance(message, dict) or set(message) != {"subject", "body"}:
            raise TemplateError(f"{entry.name}: [{kind}] needs exactly a subject and a body")
        kinds[kind] = (
            _checked(entry.name, kind, message["subject"], FIELDS),
            _checked(entry.name, kind, message["body"], BODY_FIELDS),
        )
    return Language(kinds, lines, dates)


def _read_lines(file: str, lines: object) -> dict[str, Template]:
    if not isinstance(lines, dict) or set(lines) - set(LINE_FIELDS):
        raise TemplateError(f"{file}: [lines] has only {', '.join(LINE_FIELDS)}")
    return {
        line: _checked(file, f"lines.{line}", text, FIELDS | {LINE_FIELDS[line]})
        for line, text in lines.items()
    }


def _read_dates(file: str, dates: object) -> dict[str, Any]:
    if not isinstance(dates, dict) or set(dates) - set(DATES):
        raise TemplateError(f"{file}: [dates] has only {', '.join(DATES)}")
    for key, kind in DATES.items():
        if key in dates and not isinstance(dates[key], kind):
            raise TemplateError(f"{file}: [dates] {key} must be a {kind.__name__}")
    if "months" in dates and len(dates["months"]) != 12:
        raise TemplateError(f"{file}: [dates] months names twelve months")
    try:
        example = date(2026, 12, 5)
        Language(dates=DATES_EXAMPLE | dates).dates_between(example, example.replace(day=8))
    except (KeyError, IndexError, ValueError) as error:
        raise TemplateError(f"{file}: [dates] uses an unknown {{part}}: {error}") from None
    return dates


DATES_EXAMPLE: dict[str, Any] = {
    "format": "{year}-{month_number}-{day}",
    "months": [str(n) for n in range(1, 13)],
    "range": "{first} - {last}",
}


def _checked(file: str, kind: str, text: object, known: frozenset[str]) -> Template:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{file}: [{kind}] has an empty subject or body")
    template = Template(text)
    unknown = set(template.get_identifiers()) - known
    if unknown or not template.is_valid():
        raise TemplateError(
            f"{file}: [{kind}] uses {', '.join(sorted(unknown)) or 'a malformed $placeholder'};"
            f" known: {', '.join(sorted(known))}"
        )
    return template


PACKAGED = Catalog.load()


def render(kind: str, language: str, **fields: Any) -> Message:
    """From the packaged templates."""
    return PACKAGED.render(kind, language, **fields)
