"""One article in, everything the rules find out: the contract of `medbridge extract`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from medbridge.extract.amounts import Amount, find_amounts
from medbridge.extract.dates import find_dates
from medbridge.extract.events import Event, find_events
from medbridge.extract.organizations import Organization, find_organizations, split_sentences
from medbridge.extract.people import PersonMention, find_people, merge_people
from medbridge.text.normalize import NormalizedText, normalize, to_simplified


@dataclass
class Extraction:
    normalized: NormalizedText
    organizations: list[Organization]
    people: list[PersonMention]
    amounts: list[Amount]
    events: list[Event]
    places: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.normalized.title

    @property
    def date(self) -> date | None:
        return self.normalized.date

    def as_contract(self) -> dict:
        """The stable JSON of `medbridge extract FILE --json` (keys may be added, never renamed)."""
        return {
            "title": self.normalized.title,
            "date": self.normalized.date.isoformat() if self.normalized.date else None,
            "source": self.normalized.source,
            "reporter": self.normalized.reporter,
            "organizations": [{"name": o.name, "kind": o.kind, "aliases": o.aliases,
                               "mentions": len(o.mentions)} for o in self.organizations],
            "people": merge_people(self.people),
            "amounts": [a.as_dict() for a in self.amounts],
            "events": [e.as_dict() for e in self.events],
            "places": self.places,
        }


def extract(original: str, *, title: str = "", article_date: date | None = None, source: str = "",
            registry: dict[str, tuple[str, str]] | None = None) -> Extraction:
    """Analyse one article. Given metadata (from JSONL) wins over what the text suggests."""
    normalized = normalize(original)
    if title:
        normalized.title = to_simplified(title.strip())
    if article_date:
        normalized.date = article_date
    if source:
        normalized.source = to_simplified(source.strip())
    text = normalized.text
    sentences = split_sentences(text)
    organizations = find_organizations(text, sentences, registry, skip=normalized.meta_spans)
    mentions = sorted((m for o in organizations for m in o.mentions), key=lambda m: m.start)
    people = find_people(text, mentions)
    dates = find_dates(text, normalized.date)
    events = find_events(sentences, mentions, dates, normalized.date)
    return Extraction(normalized, organizations, people, find_amounts(text), events, _places(sentences, mentions))


def _places(sentences, mentions) -> list[str]:
    places: list[str] = []
    for sentence in sentences:
        for token in sentence.tokens:
            position = sentence.start + token.start
            if token.pos == "ns" and len(token.text) >= 2 and token.text not in places \
                    and not any(m.start <= position < m.end for m in mentions):
                places.append(token.text)
    return places
