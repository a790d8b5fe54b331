"""The interchange format of docs/import-format.md, as data: its sheets, their columns and keys, in the order
they are read. The reader, the importer, the exporter and the documentation's tables follow this one list."""

import enum
from dataclasses import dataclass

from django.db import models

from negotiations.choices import ApprovalStatus, CitationRole, MilestoneKind, MilestoneStatus, Status
from negotiations.models import Milestone, Participation, Source, StatusEvent

FORMAT = "raa-tracker-interchange"
VERSION = 1
# The workbook sheet that may name the format and version (rows: format | raa-tracker-interchange, version | 1).
ABOUT_SHEET = "about"


class Kind(enum.Enum):
    TEXT = "text"
    DATE = "date"  # a day, a month or a year: "2022-01-06", "2014-07", "2014"
    DAY = "day"  # a full date only
    STATE = "state"  # an ISO 3166-1 alpha-3 code
    STATES = "states"  # two or more codes, separated by spaces or commas
    CHOICE = "choice"
    NUMBER = "number"
    SOURCE = "source"  # the key of a row of the sources sheet


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # The dates of what has happened, which may not lie in the future: the model's own rule (PAST_DATES),
    # checked as the row is read so that it is named with the other faults of its value.
    past_dates: tuple[str, ...] = ()

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


_AGREEMENT = Column("agreement", required=True)
_SOURCE = Column("source", Kind.SOURCE)
_NO_SOURCE_REASON = Column("no_source_reason")

AGREEMENT_TYPES = Sheet(
    "agreement_types",
    (Column("code", required=True), Column("name", required=True), Column("description"), Column("family")),
    key=("code",),
)
GROUPINGS = Sheet(
    "groupings",
    (Column("code", required=True), Column("name", required=True), Column("members", Kind.STATES, required=True)),
    key=("code",),
)
SOURCES = Sheet(
    "sources",
    (
        Column("key", required=True),
        Column("title", required=True),
        Column("publisher", required=True),
        Column("url"),
        Column("published_on", Kind.DATE),
        Column("language"),
    ),
    key=("key",),
    past_dates=Source.PAST_DATES,
)
AGREEMENTS = Sheet(
    "agreements",
    (
        Column("slug", required=True),
        Column("title", required=True),
        Column("type", required=True),
        Column("parties", Kind.STATES, required=True),
        Column("summary"),
        Column("target_conclusion_on", Kind.DAY),
        Column("entry_into_force_scheduled_on", Kind.DAY),
    ),
    key=("slug",),
)
PARTIES = Sheet(
    "parties",
    (
        _AGREEMENT,
        Column("state", Kind.STATE, required=True),
        Column("signed_on", Kind.DAY),
        Column("approval_body"),
        Column("approval_status", Kind.CHOICE, choices=ApprovalStatus),
        Column("approval_submitted_on", Kind.DAY),
        Column("approval_decided_on", Kind.DATE),
        Column("entry_into_force_on", Kind.DAY),
        Column("note"),
        _SOURCE,
    ),
    key=("agreement", "state"),
    past_dates=Participation.PAST_DATES,
)
EVENTS = Sheet(
    "events",
    (
        _AGREEMENT,
        Column("status", Kind.CHOICE, required=True, choices=Status),
        Column("effective_on", Kind.DATE, required=True),
        Column("place"),
        Column("note"),
        _SOURCE,
        _NO_SOURCE_REASON,
    ),
    key=("agreement", "status", "effective_on"),
    past_dates=StatusEvent.PAST_DATES,
)
ROUNDS = Sheet(
    "rounds",
    (
        _AGREEMENT,
        Column("number", Kind.NUMBER, required=True),
        Column("starts_on", Kind.DATE, required=True),
        Column("ends_on", Kind.DAY),
        Column("place"),
        Column("host", Kind.STATE),
        Column("summary"),
        _SOURCE,
        _NO_SOURCE_REASON,
    ),
    key=("agreement", "number"),
)
MILESTONES = Sheet(
    "milestones",
    (
        _AGREEMENT,
        Column("title", required=True),
        Column("due_on", Kind.DATE, required=True),
        Column("kind", Kind.CHOICE, choices=MilestoneKind),
        Column("status", Kind.CHOICE, choices=MilestoneStatus),
        Column("completed_on", Kind.DAY),
        Column("responsible_party", Kind.STATE),
        Column("note"),
        _SOURCE,
        _NO_SOURCE_REASON,
    ),
    key=("agreement", "title", "due_on"),
    past_dates=Milestone.PAST_DATES,
)


class FactKind(models.TextChoices):
    """What a row of the citations sheet cites (the file's names; the models' are in negotiations)."""

    EVENT = "event"
    ROUND = "round"
    MILESTONE = "milestone"
    PARTY = "party"


CITATIONS = Sheet(
    "citations",
    (
        _AGREEMENT,
        Column("fact", Kind.CHOICE, required=True, choices=FactKind),
        Column("status", Kind.CHOICE, choices=Status),
        Column("date", Kind.DATE),
        Column("number", Kind.NUMBER),
        Column("title"),
        Column("state", Kind.STATE),
        Column("source", Kind.SOURCE, required=True),
        Column("role", Kind.CHOICE, choices=CitationRole),
        Column("quote"),
    ),
    key=("agreement", "fact", "status", "date", "number", "title", "state", "source"),
)

SHEETS: tuple[Sheet, ...] = (
    AGREEMENT_TYPES,
    GROUPINGS,
    SOURCES,
    AGREEMENTS,
    PARTIES,
    EVENTS,
    ROUNDS,
    MILESTONES,
    CITATIONS,
)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}
# In the YAML and JSON encodings an agreement may hold its own rows under these names (without `agreement`).
NESTED = {"steps": PARTIES, "events": EVENTS, "rounds": ROUNDS, "milestones": MILESTONES, "citations": CITATIONS}
