"""The verified record of shared/docs/DOMAIN.md: read from data/record.toml, checked, and written through the services.

Only facts listed there are seeded; what it marks unknown stays empty. Reading and writing are apart so that
other files of the same shape (an analyst's spreadsheet, once converted) can be checked the same way before
anything is stored: `read_record` turns a file into facts or raises SeedError naming every problem by
agreement and field, `load_record` writes the facts. Every status comes out of the event log (through
services.agreement_transition), and loading twice changes nothing: rows are matched by natural keys (slug,
state, round number, milestone title, a source's URL or else its publisher and title) and written only when
a value differs.
"""

import datetime
import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db import models, transaction

from parties.models import State
from parties.services import grouping_upsert, states_load_from_iso

from . import services
from .choices import ApprovalStatus, CitationRole, DatePrecision, MilestoneKind, MilestoneStatus, Status
from .models import Agreement, AgreementType, Participation, Source, StatusEvent

RECORD_FILE = Path(__file__).resolve().parent / "data" / "record.toml"


class SeedError(ValueError):
    """A record file that cannot be loaded. Each problem reads `<file>: <what> <key>: <field>: <what is wrong>`,
    e.g. `record.toml: agreement japan-uk-raa: events[2].effective_on: ...` (list positions count from 0)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# --- The facts a record file holds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeFact:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class GroupingFact:
    code: str
    name: str
    members: list[str]


@dataclass(frozen=True)
class SourceFact:
    key: str
    title: str
    publisher: str
    url: str = ""
    published_on: datetime.date | None = None
    language: str = "en"


@dataclass(frozen=True)
class PartyFact:
    state: str
    signed_on: datetime.date | None = None
    approval_status: str = ApprovalStatus.PENDING
    approval_body: str = ""
    approval_submitted_on: datetime.date | None = None
    approval_decided_on: datetime.date | None = None
    approval_decided_precision: str = DatePrecision.DAY
    entry_into_force_on: datetime.date | None = None
    note: str = ""
    source: str | None = None


@dataclass(frozen=True)
class CitationFact:
    source: str
    role: str = CitationRole.STATES


@dataclass(frozen=True)
class EventFact:
    status: str
    effective_on: datetime.date
    date_precision: str = DatePrecision.DAY
    source: str | None = None
    place: str = ""
    note: str = ""
    citations: list[CitationFact] = field(default_factory=list)


@dataclass(frozen=True)
class RoundFact:
    number: int
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    place: str = ""
    host: str | None = None
    summary: str = ""
    source: str | None = None


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    kind: str
    due_on: datetime.date
    status: str = MilestoneStatus.PLANNED
    completed_on: datetime.date | None = None
    responsible_party: str | None = None
    note: str = ""
    source: str | None = None


@dataclass(frozen=True)
class AgreementFact:
    slug: str
    title: str
    type: str
    parties: list[PartyFact]
    events: list[EventFact]
    summary: str = ""
    target_conclusion_on: datetime.date | None = None
    entry_into_force_scheduled_on: datetime.date | None = None
    rounds: list[RoundFact] = field(default_factory=list)
    milestones: list[MilestoneFact] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    agreement_types: list[TypeFact]
    groupings: list[GroupingFact]
    sources: dict[str, SourceFact]
    agreements: list[AgreementFact]


# --- Reading and checking a file --------------------------------------------------------------------------------

# "2022-01-06" is known to the day, "2014-07" to the month, "2014" to the year; stored as the first day of it.
_DATE_FORMS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}"), DatePrecision.DAY),
    (re.compile(r"\d{4}-\d{2}"), DatePrecision.MONTH),
    (re.compile(r"\d{4}"), DatePrecision.YEAR),
]


class _Table:
    """One table of the file being read: hands out its fields one by one, typed, and notes what is wrong with
    each under `where`; `done()` notes the fields nobody asked for."""

    def __init__(self, data: object, where: str, problems: list[str]) -> None:
        self.where, self.problems = where, problems
        self.asked: set[str] = set()
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.problem("", "expected a table of fields")

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}{name}: {message}" if name else f"{self.where.rstrip(': .')}: {message}")

    def typed(self, name: str, kinds: type | tuple[type, ...], required: bool, kind_name: str) -> Any:
        self.asked.add(name)
        if name not in self.data:
            if required:
                self.problem(name, "missing (required)")
            return None
        value = self.data[name]
        if isinstance(value, bool) or not isinstance(value, kinds):  # no field takes true/false
            self.problem(name, f"expected {kind_name}, got {value!r}")
            return None
        return value

    def text(self, name: str, required: bool = False) -> str:
        value = self.typed(name, str, required, "text")
        if required and value is not None and not value.strip():
            self.problem(name, "must not be empty")
        return value or ""

    def number(self, name: str) -> int:
        return self.typed(name, int, True, "a whole number") or 0

    def choice(self, name: str, choices: type[models.TextChoices], default: str | None = None) -> str:
        value = self.typed(name, str, default is None, "text")
        if value is None:
            return default or ""
        if value not in choices.values:
            self.problem(name, f"unknown value {value!r} (one of {', '.join(choices.values)})")
        return value

    def date(self, name: str, required: bool = False, day_only: bool = True) -> tuple[datetime.date | None, str]:
        """The date and how much of it is known; a `day_only` field stores no precision, so it takes only a day."""
        value = self.typed(name, (str, datetime.date), required, "a date such as 2022-01-06, 2014-07 or 2014")
        if value is None:
            return None, DatePrecision.DAY
        if isinstance(value, datetime.datetime):
            self.problem(name, f"expected a date without a time, got {value.isoformat()}")
            return None, DatePrecision.DAY
        if isinstance(value, datetime.date):
            return value, DatePrecision.DAY
        parsed = _parse_date(value)
        if parsed is None:
            self.problem(name, f"not a date: {value!r} (write 2022-01-06, 2014-07 or 2014)")
            return None, DatePrecision.DAY
        if day_only and parsed[1] != DatePrecision.DAY:
            self.problem(name, f"{value!r} is known to the {parsed[1]} only; this field takes a day such as 2022-01-06")
            return None, DatePrecision.DAY
        return parsed

    def state(self, name: str, required: bool = False) -> str | None:
        code = self.typed(name, str, required, "an ISO 3166-1 alpha-3 code")
        if code is not None and code not in _iso_codes():
            self.problem(name, f"unknown state {code!r} (use an ISO 3166-1 alpha-3 code such as JPN)")
        return code

    def source(self, name: str, known: Iterable[str]) -> str | None:
        key = self.typed(name, str, False, "the key of a [sources.<key>] table")
        if key is not None and key not in known:
            self.problem(name, f"unknown source {key!r} (add a [sources.{key}] table or cite one that exists)")
        return key

    def tables(self, name: str) -> list[Any]:
        return self.typed(name, list, False, "a list of tables") or []

    def done(self) -> None:
        for name in sorted(set(self.data) - self.asked):
            self.problem(name, f"unknown field (known: {', '.join(sorted(self.asked))})")


def _parse_date(text: str) -> tuple[datetime.date, str] | None:
    for pattern, precision in _DATE_FORMS:
        if pattern.fullmatch(text):
            parts = [int(part) for part in text.split("-")] + [1, 1]
            try:
                return datetime.date(parts[0], parts[1], parts[2]), precision
            except ValueError:
                return None
    return None


@functools.cache
def _iso_codes() -> frozenset[str]:
    return frozenset(country.alpha_3 for country in pycountry.countries)


def read_record(path: Path = RECORD_FILE, *, known_types: Iterable[str] = ()) -> Record:
    """Read and check a record file; raises SeedError listing every problem. `known_types` are agreement type
    codes already stored, which the file may use without defining them."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SeedError([f"{path.name}: not valid TOML: {error}"]) from None
    problems: list[str] = []
    top = _Table(data, f"{path.name}: ", problems)
    types = [
        _read_type(code, row, f"{path.name}: agreement type {code}: ", problems)
        for code, row in _keyed(top, "agreement_types")
    ]
    groupings = [
        _read_grouping(code, row, f"{path.name}: grouping {code}: ", problems) for code, row in _keyed(top, "groupings")
    ]
    sources = {
        key: _read_source(key, row, f"{path.name}: source {key}: ", problems) for key, row in _keyed(top, "sources")
    }
    type_codes = {fact.code for fact in types} | set(known_types)
    agreements = [
        _read_agreement(slug, row, f"{path.name}: agreement {slug}: ", problems, type_codes, sources)
        for slug, row in _keyed(top, "agreements")
    ]
    top.done()
    if problems:
        raise SeedError(problems)
    return Record(types, groupings, sources, agreements)


def _keyed(top: _Table, name: str) -> list[tuple[str, Any]]:
    section = top.typed(name, dict, False, "tables keyed by code, e.g. [" + name + ".<key>]") or {}
    return list(section.items())


def _read_type(code: str, data: object, where: str, problems: list[str]) -> TypeFact:
    row = _Table(data, where, problems)
    fact = TypeFact(code, row.text("name", required=True), row.text("description"))
    row.done()
    return fact


def _read_grouping(code: str, data: object, where: str, problems: list[str]) -> GroupingFact:
    row = _Table(data, where, problems)
    name = row.text("name", required=True)
    members = row.typed("members", list, True, "a list of ISO 3166-1 alpha-3 codes") or []
    unknown = [code for code in members if not isinstance(code, str) or code not in _iso_codes()]
    if unknown:
        row.problem("members", f"unknown states {', '.join(map(repr, unknown))} (use ISO 3166-1 alpha-3 codes)")
    row.done()
    return GroupingFact(code, name, members)


def _read_source(key: str, data: object, where: str, problems: list[str]) -> SourceFact:
    row = _Table(data, where, problems)
    fact = SourceFact(
        key=key,
        title=row.text("title", required=True),
        publisher=row.text("publisher", required=True),
        url=row.text("url"),
        published_on=row.date("published_on")[0],
        language=row.text("language") or "en",
    )
    row.done()
    return fact


def _read_agreement(
    slug: str, data: object, where: str, problems: list[str], types: set[str], sources: dict[str, SourceFact]
) -> AgreementFact:
    row = _Table(data, where, problems)
    title, summary = row.text("title", required=True), row.text("summary")
    type_code = row.text("type", required=True)
    if type_code and type_code not in types:
        known = f"one of {', '.join(sorted(types))}, or " if types else ""
        row.problem("type", f"unknown agreement type {type_code!r} ({known}define [agreement_types.{type_code}])")
    target, _ = row.date("target_conclusion_on")
    scheduled, _ = row.date("entry_into_force_scheduled_on")

    def each(name: str, read: Callable[[_Table], Any]) -> list[Any]:
        facts = []
        for number, item in enumerate(row.tables(name)):
            table = _Table(item, f"{where}{name}[{number}].", problems)
            facts.append(read(table))
            table.done()
        return facts

    parties = each("parties", lambda table: _read_party(table, sources))
    events = each("events", lambda table: _read_event(table, sources))
    rounds = each("rounds", lambda table: _read_round(table, sources))
    milestones = each("milestones", lambda table: _read_milestone(table, sources))
    row.done()
    _check_once(row, "parties", [party.state for party in parties], "state")
    _check_once(row, "rounds", [r.number for r in rounds], "number")
    _check_once(row, "milestones", [m.title for m in milestones], "title")
    if len(parties) < 2:
        row.problem("parties", "an agreement needs at least two parties")
    return AgreementFact(slug, title, type_code, parties, events, summary, target, scheduled, rounds, milestones)


def _check_once(row: _Table, name: str, keys: list[object], key_name: str) -> None:
    """Rows are matched by these keys when the file is loaded again, so each may appear only once."""
    for key in sorted({key for key in keys if keys.count(key) > 1}, key=str):
        row.problem(name, f"{key_name} {key!r} appears more than once")


def _read_party(row: _Table, sources: dict[str, SourceFact]) -> PartyFact:
    decided_on, decided_precision = row.date("approval_decided_on", day_only=False)
    return PartyFact(
        state=row.state("state", required=True) or "",
        signed_on=row.date("signed_on")[0],
        approval_status=row.choice("approval_status", ApprovalStatus, ApprovalStatus.PENDING),
        approval_body=row.text("approval_body"),
        approval_submitted_on=row.date("approval_submitted_on")[0],
        approval_decided_on=decided_on,
        approval_decided_precision=decided_precision,
        entry_into_force_on=row.date("entry_into_force_on")[0],
        note=row.text("note"),
        source=row.source("source", sources),
    )


def _read_event(row: _Table, sources: dict[str, SourceFact]) -> EventFact:
    status = row.choice("status", Status)
    effective_on, precision = row.date("effective_on", required=True, day_only=False)
    return EventFact(
        status=status,
        effective_on=effective_on or datetime.date.min,
        date_precision=precision,
        source=row.source("source", sources),
        place=row.text("place"),
        note=row.text("note"),
        citations=[
            _read_citation(_Table(item, f"{row.where}citations[{number}].", row.problems), sources)
            for number, item in enumerate(row.tables("citations"))
        ],
    )


def _read_citation(row: _Table, sources: dict[str, SourceFact]) -> CitationFact:
    """A further source of a fact: `{ source = "<key>", role = "states" }` (or "contradicts")."""
    fact = CitationFact(
        source=row.source("source", sources) or "", role=row.choice("role", CitationRole, CitationRole.STATES)
    )
    if not fact.source:
        row.problem("source", "a citation names the key of a [sources.<key>] table")
    row.done()
    return fact


def _read_round(row: _Table, sources: dict[str, SourceFact]) -> RoundFact:
    return RoundFact(
        number=row.number("number"),
        starts_on=row.date("starts_on", required=True)[0] or datetime.date.min,
        ends_on=row.date("ends_on")[0],
        place=row.text("place"),
        host=row.state("host"),
        summary=row.text("summary"),
        source=row.source("source", sources),
    )


def _read_milestone(row: _Table, sources: dict[str, SourceFact]) -> MilestoneFact:
    due_on = row.date("due_on", required=True)[0] or datetime.date.min
    status = row.choice("status", MilestoneStatus, MilestoneStatus.PLANNED)
    completed_on = row.date("completed_on")[0]
    if completed_on is not None and status != MilestoneStatus.DONE:
        row.problem("completed_on", "only a milestone that is done has a completion date")
    return MilestoneFact(
        title=row.text("title", required=True),
        kind=row.choice("kind", MilestoneKind, MilestoneKind.OTHER),
        due_on=due_on,
        status=status,
        completed_on=completed_on or (due_on if status == MilestoneStatus.DONE else None),
        responsible_party=row.state("responsible_party"),
        note=row.text("note"),
        source=row.source("source", sources),
    )


# --- Writing the facts, through the services --------------------------------------------------------------------

# The seed writes as the application itself: services skip the policy check and record no user.
SYSTEM = None

Count = Callable[[str, str], None]


def load_record(
    report: Callable[[str], None] = lambda line: None, path: Path = RECORD_FILE
) -> dict[str, dict[str, int]]:
    """Load states, groupings, agreement types and the record file; returns counts per kind.

    The file is checked before anything is written, and the record is written in one transaction: a fact the
    services refuse (a status move the lifecycle does not allow, say) raises SeedError and stores none of it."""
    record = read_record(path, known_types=AgreementType.objects.values_list("code", flat=True))
    counts: dict[str, dict[str, int]] = {}

    def count(kind: str, outcome: str) -> None:
        bucket = counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        bucket[outcome or "unchanged"] += 1

    created, updated = states_load_from_iso()
    total = State.objects.count()
    counts["states"] = {"created": created, "updated": updated, "unchanged": total - created - updated}
    report(f"states: {total} ISO 3166-1 entries ({created} created, {updated} updated)")

    with transaction.atomic():
        for grouping in record.groupings:
            _, outcome = grouping_upsert(code=grouping.code, name=grouping.name, member_codes=grouping.members)
            count("groupings", outcome)
        report(f"groupings: {len(record.groupings)}")
        for type_fact in record.agreement_types:
            count("agreement types", _agreement_type_write(type_fact))
        report(f"agreement types: {len(record.agreement_types)}")
        sources: dict[str, Source] = {}
        for source in record.sources.values():
            sources[source.key], outcome = _guarded(f"{path.name}: source {source.key}", _source_write, source)
            count("sources", outcome)
        report(f"sources: {len(record.sources)}")
        states = {s.alpha3: s for s in State.objects.all()}
        types = {t.code: t for t in AgreementType.objects.all()}
        for number, fact in enumerate(record.agreements, start=1):
            writer = _AgreementWriter(fact, f"{path.name}: agreement {fact.slug}: ", types, sources, states, count)
            writer.write()
            report(f"agreement {number}/{len(record.agreements)}: {fact.title}")
    return counts


def _guarded(where: str, write: Callable[..., Any], *args: Any) -> Any:
    """Run one write; a refusal by the model or a service becomes a SeedError naming the fact."""
    try:
        return write(*args)
    except ValidationError as error:
        raise SeedError([f"{where}: {_describe(error)}"]) from None


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages)
    return "; ".join(error.messages)


def _changes(obj: models.Model, values: Mapping[str, object]) -> dict[str, Any]:
    """The values that differ from the stored row: what a write must change (nothing, when loaded again)."""
    return {name: value for name, value in values.items() if getattr(obj, name) != value}


def _agreement_type_write(fact: TypeFact) -> str:
    return services.agreement_type_upsert(actor=None, code=fact.code, name=fact.name, description=fact.description)[1]


def _source_write(fact: SourceFact) -> tuple[Source, str]:
    """The same publication is one source: found by its URL, or, without one, by publisher and title (so a URL
    that someone adds later in the application stays)."""
    values: dict[str, Any] = {
        "title": fact.title,
        "publisher": fact.publisher,
        "published_on": fact.published_on,
        "language": fact.language,
    }
    lookup = {"url": fact.url} if fact.url else {"publisher": fact.publisher, "title": fact.title}
    source = Source.objects.filter(**lookup).order_by("pk").first()
    if source is None:
        return services.source_record(actor=SYSTEM, url=fact.url, **values), "created"
    changed = _changes(source, values)
    if not changed:
        return source, ""
    return services.source_update(actor=SYSTEM, source=source, **changed), "updated"


class _AgreementWriter:
    """Writes one agreement's facts through the services, each only when the stored row differs."""

    def __init__(
        self,
        fact: AgreementFact,
        where: str,
        types: dict[str, AgreementType],
        sources: dict[str, Source],
        states: dict[str, State],
        count: Count,
    ) -> None:
        self.fact = fact
        self.where = where
        self.types = types
        self.sources = sources
        self.states = states
        self.count = count

    def write(self) -> None:
        agreement = _guarded(f"{self.where.rstrip(': ')}", self._agreement)
        for number, event in enumerate(self.fact.events):
            _guarded(f"{self.where}events[{number}]", self._event, agreement, event)
        for number, round_fact in enumerate(self.fact.rounds):
            _guarded(f"{self.where}rounds[{number}]", self._round, agreement, round_fact)
        for number, milestone in enumerate(self.fact.milestones):
            _guarded(f"{self.where}milestones[{number}]", self._milestone, agreement, milestone)

    def _source(self, key: str | None) -> Source | None:
        return self.sources[key] if key else None

    def _state(self, code: str | None) -> State | None:
        return self.states[code] if code else None

    def _agreement(self) -> Agreement:
        fact = self.fact
        values: dict[str, Any] = {
            "title": fact.title,
            "type": self.types[fact.type],
            "summary": fact.summary,
            "target_conclusion_on": fact.target_conclusion_on,
            "entry_into_force_scheduled_on": fact.entry_into_force_scheduled_on,
        }
        participations = [self._participation(party) for party in fact.parties]
        agreement = Agreement.objects.filter(slug=fact.slug).first()
        if agreement is None:
            agreement = services.agreement_create(actor=SYSTEM, slug=fact.slug, participations=participations, **values)
            self.count("agreements", "created")
            for _ in participations:
                self.count("participations", "created")
            return agreement
        changed = _changes(agreement, values)
        self.count("agreements", "updated" if changed else "")
        stored = {p.state_id: p for p in agreement.participations.all()}
        outcomes = [self._participation_outcome(stored.get(item["state"].pk), item) for item in participations]
        for outcome in outcomes:
            self.count("participations", outcome)
        if not changed and not any(outcomes):
            return agreement
        if any(outcomes):
            # Parties that others added to a seeded agreement stay, as they are.
            listed = {item["state"].pk for item in participations}
            participations += [{"state": p.state} for p in stored.values() if p.state_id not in listed]
        return services.agreement_update(
            actor=SYSTEM, agreement=agreement, participations=participations if any(outcomes) else None, **changed
        )

    def _participation(self, party: PartyFact) -> dict[str, Any]:
        return {
            "state": self.states[party.state],
            "signed_on": party.signed_on,
            "approval_status": party.approval_status,
            "approval_body": party.approval_body,
            "approval_submitted_on": party.approval_submitted_on,
            "approval_decided_on": party.approval_decided_on,
            "approval_decided_precision": party.approval_decided_precision,
            "entry_into_force_on": party.entry_into_force_on,
            "note": party.note,
            "source": self._source(party.source),
        }

    @staticmethod
    def _participation_outcome(stored: Participation | None, item: dict[str, Any]) -> str:
        if stored is None:
            return "created"
        return "updated" if _changes(stored, item) else ""

    def _event(self, agreement: Agreement, event: EventFact) -> None:
        """Events are never changed once recorded (a wrong one is corrected by an administrator), so an event is
        known by its status and date and recorded only when missing."""
        stored = agreement.events.filter(status=event.status, effective_on=event.effective_on).first()
        if stored is not None:
            self.count("status events", "")
            self._citations(stored, event.citations)
            return
        stored = services.agreement_transition(
            actor=SYSTEM,
            agreement=agreement,
            status=event.status,
            effective_on=event.effective_on,
            date_precision=event.date_precision,
            place=event.place,
            note=event.note,
            source=self._source(event.source),
        )
        self.count("status events", "created")
        self._citations(stored, event.citations)

    def _citations(self, event: StatusEvent, citations: list[CitationFact]) -> None:
        """A further source is cited once; one that the record no longer names stays (others may rely on it)."""
        for citation in citations:
            source = self.sources[citation.source]
            if event.citations.filter(source=source).exists():
                self.count("citations", "")
                continue
            services.citation_add(actor=SYSTEM, fact=event, source=source, role=citation.role)
            self.count("citations", "created")

    def _round(self, agreement: Agreement, fact: RoundFact) -> None:
        values: dict[str, Any] = {
            "starts_on": fact.starts_on,
            "ends_on": fact.ends_on,
            "place": fact.place,
            "host": self._state(fact.host),
            "summary": fact.summary,
            "source": self._source(fact.source),
        }
        stored = agreement.rounds.filter(number=fact.number).first()
        if stored is None:
            services.round_record(actor=SYSTEM, agreement=agreement, number=fact.number, **values)
            self.count("rounds", "created")
            return
        changed = _changes(stored, values)
        if changed:
            services.round_update(actor=SYSTEM, round=stored, **changed)
        self.count("rounds", "updated" if changed else "")

    def _milestone(self, agreement: Agreement, fact: MilestoneFact) -> None:
        values: dict[str, Any] = {
            "kind": fact.kind,
            "due_on": fact.due_on,
            "status": fact.status,
            "completed_on": fact.completed_on,
            "note": fact.note,
            "source": self._source(fact.source),
            "responsible_party": self._state(fact.responsible_party),
        }
        stored = agreement.milestones.filter(title=fact.title).order_by("pk").first()
        if stored is None:
            services.milestone_record(actor=SYSTEM, agreement=agreement, title=fact.title, **values)
            self.count("milestones", "created")
            return
        changed = _changes(stored, values)
        if changed:
            services.milestone_update(actor=SYSTEM, milestone=stored, **changed)
        self.count("milestones", "updated" if changed else "")
