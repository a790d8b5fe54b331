"""Importing a record file (docs/import-format.md): every row checked, then written through the services.

The import runs in one transaction and writes as it reads, so a later row sees what an earlier one created
(an event of an agreement the same file adds) and every rule is the services' own: the lifecycle, the
evidence rule, the permissions. Each row ends created, changed (field: old → new), unchanged or refused. A
dry run, or a file with any refused row, rolls the transaction back: the preview is exactly what applying
would do, and applying writes everything or nothing. Rows are matched to the stored record by the keys of
the format, so importing the same file twice changes nothing the second time.

Rows stream from the reader; what the import keeps grows only with the keys it has seen (a duplicate key
is an error) and, for the dashboard and the API, the rows' results.
"""

import datetime
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.policy import Action
from negotiations import lifecycle, selectors, services
from negotiations.choices import ApprovalStatus, CitationRole, DatePrecision, MilestoneKind, MilestoneStatus
from negotiations.models import (
    Agreement,
    AgreementType,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from parties.models import Grouping, State
from parties.services import grouping_upsert, states_load_from_iso
from raa_tracker import provenance

from . import format as fmt
from .format import Column, FactKind, Kind, Sheet
from .reading import FileRefused, RecordFile, Row, SheetData, known_sheet, open_record

M = TypeVar("M", bound=models.Model)
CREATED, CHANGED, UNCHANGED, REFUSED = "created", "changed", "unchanged", "refused"
OUTCOMES = (CREATED, CHANGED, UNCHANGED, REFUSED)
# What a row's outcome reads as on the page and in a summary (the codes above are the API's).
OUTCOME_LABELS = {
    CREATED: gettext_lazy("created"),
    CHANGED: gettext_lazy("changed"),
    UNCHANGED: gettext_lazy("unchanged"),
    REFUSED: gettext_lazy("refused"),
}

_DATE_FORMS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}"), DatePrecision.DAY),
    (re.compile(r"\d{4}-\d{2}"), DatePrecision.MONTH),
    (re.compile(r"\d{4}"), DatePrecision.YEAR),
]


@dataclass
class Problem:
    """One broken rule, where it is: the sheet, the row (or YAML line), the column."""

    sheet: str
    where: str
    column: str
    rule: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.sheet, self.where, self.column) if part)
        return f"{place}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "where": self.where,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class RowResult:
    sheet: str
    row: int
    where: str
    key: str
    outcome: str = UNCHANGED
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "where": self.where,
            "key": self.key,
            "outcome": self.outcome,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
            "errors": [problem.as_dict() for problem in self.problems],
        }


@dataclass
class ImportReport:
    name: str
    digest: str
    kind: str
    dry_run: bool
    applied: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_read(self) -> int:
        return sum(sum(outcomes.values()) for outcomes in self.counts.values())

    def total(self, outcome: str) -> int:
        return sum(outcomes.get(outcome, 0) for outcomes in self.counts.values())

    def summary(self) -> str:
        parts = [f"{OUTCOME_LABELS[outcome]} {self.total(outcome)}" for outcome in OUTCOMES]
        verb = _("applied") if self.applied else (_("dry run") if self.dry_run else _("nothing written"))
        return _("%(rows)s rows (%(parts)s); %(errors)s errors; %(verb)s.") % {
            "rows": self.rows_read,
            "parts": ", ".join(parts),
            "errors": len(self.problems),
            "verb": verb,
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "sha256": self.digest,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "counts": self.counts,
            "errors": [problem.as_dict() for problem in self.problems],
            "rows": [row.as_dict() for row in self.rows],
        }


class _Rollback(Exception):
    """Leaves the import's transaction without writing (a dry run, or a file with refused rows)."""


def file_digest(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def import_records(
    stream: IO[bytes],
    *,
    name: str,
    actor: User | None,
    dry_run: bool = True,
    kind: str | None = None,
    sheet: str | None = None,
    on_row: Callable[[RowResult], None] | None = None,
    keep_rows: bool = True,
    system: str | None = None,
    on_sheet: Callable[[str, int | None], None] | None = None,
) -> ImportReport:
    """Check (and unless `dry_run`, write) the record file `name` for `actor` (None: the application, as the
    seed). Raises FileRefused for a file that cannot be read at all; every other fault is in the report."""
    started = time.monotonic()
    digest = file_digest(stream)
    record = open_record(name, stream, kind=kind, sheet=sheet)
    report = ImportReport(name=name, digest=digest, kind=record.kind, dry_run=dry_run)
    context = provenance.writing(
        channel=provenance.Channel.IMPORT,
        system="" if actor is not None else (system or f"import {name}"),
        note=_("import of %(name)s (sha256 %(digest)s)") % {"name": name, "digest": digest[:16]},
        batch=True,
    )
    try:
        with context, transaction.atomic():
            _Import(record, actor, report, on_row, keep_rows, on_sheet).run()
            report.applied = not dry_run and report.ok
            if not report.applied:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        record.close()
    report.seconds = time.monotonic() - started
    return report


def parse_date(value: object) -> tuple[datetime.date, str] | None:
    """A date as the format writes it, with how much of it is known; None when it is no date."""
    if isinstance(value, datetime.datetime):
        return (value.date(), DatePrecision.DAY) if value.time() == datetime.time() else None
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 1000 <= value <= 9999:
        return datetime.date(value, 1, 1), DatePrecision.YEAR
    if not isinstance(value, str):
        return None
    for pattern, precision in _DATE_FORMS:
        if pattern.fullmatch(value):
            parts = [int(part) for part in value.split("-")] + [1, 1]
            try:
                return datetime.date(parts[0], parts[1], parts[2]), precision
            except ValueError:
                return None
    return None


def format_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """The format's text for a date: as far as it is known."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return getattr(value, "alpha3", None) or getattr(value, "code", None) or str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Values(dict[str, Any]):
    """A row's typed values; a date column's precision is under `<column>:precision`."""

    def precision(self, name: str) -> str:
        return self.get(f"{name}:precision", DatePrecision.DAY)


class _Import:
    def __init__(
        self,
        record: RecordFile,
        actor: User | None,
        report: ImportReport,
        on_row: Callable[[RowResult], None] | None,
        keep_rows: bool,
        on_sheet: Callable[[str, int | None], None] | None = None,
    ) -> None:
        self.record, self.actor, self.report, self.on_row, self.keep_rows = record, actor, report, on_row, keep_rows
        self.on_sheet = on_sheet
        self.today = timezone.localdate()
        if not State.objects.exists():
            states_load_from_iso()  # reference data from ISO 3166-1, as the seed loads it
        self.states = {state.alpha3: state for state in State.objects.all()}
        self.types = {agreement_type.code: agreement_type for agreement_type in AgreementType.objects.all()}
        self.sources: dict[str, Source] = {}
        self.refused_sources: set[str] = set()
        self.seen: dict[str, set[tuple[object, ...]]] = {}
        self.agreements: OrderedDict[str, Agreement | None] = OrderedDict()
        self.writable: dict[int, bool] = {}
        # Events with a larger id were written by this import (a second row for one is a duplicate).
        self.first_new_event = StatusEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # Stored events that a row matched: a row matching one again is a second row for it. (What the import
        # keeps grows with the events it finds already stored, not with those it writes.)
        self.matched: set[int] = set()

    # --- the file, sheet by sheet -----------------------------------------------------------------------------

    def run(self) -> None:
        names = self.record.sheets()
        for name in names:
            if not known_sheet(name):
                self._file_problem(
                    name,
                    "unknown-sheet",
                    _("unknown sheet (the format's sheets: %(names)s)") % {"names": ", ".join(fmt.BY_NAME)},
                )
        if not any(name in fmt.BY_NAME for name in names):
            raise FileRefused(
                _("The file has none of the record's sheets (%(names)s); found: %(found)s.")
                % {"names": ", ".join(fmt.BY_NAME), "found": ", ".join(names) or _("nothing")}
            )
        for sheet in fmt.SHEETS:
            if sheet.name in names:
                self._sheet(sheet, self.record.sheet(sheet.name))

    def _file_problem(self, sheet: str, rule: str, message: str, column: str = "", row: int | None = None) -> None:
        where = _("row %(number)s") % {"number": row} if row else ""
        self.report.problems.append(Problem(sheet, where, column, rule, message, row))
        self.report.counts.setdefault(sheet, dict.fromkeys(OUTCOMES, 0))

    def _sheet(self, sheet: Sheet, data: SheetData) -> None:
        self.report.counts.setdefault(sheet.name, dict.fromkeys(OUTCOMES, 0))
        if self.on_sheet is not None:
            self.on_sheet(sheet.name, data.total)
        rows = data.rows
        if data.columns is not None:
            if not self._header_fits(sheet, data.columns):
                return
            rows = _known_columns(sheet, rows)  # the header's unknown columns are reported once, above
        if sheet is fmt.EVENTS:
            for group in _by_agreement(rows):
                self._events(group)
            return
        handle: Callable[[Row], None] = getattr(self, f"_{sheet.name}")
        for row in rows:
            handle(row)

    def _header_fits(self, sheet: Sheet, columns: list[str]) -> bool:
        """A workbook sheet's header: unknown and repeated columns are refused by name; without a required
        column the sheet's rows cannot be read."""
        named = [column for column in columns if column]
        for column in sorted({c for c in named if named.count(c) > 1}):
            self._file_problem(sheet.name, "duplicate-key", _("the column appears twice"), column, row=1)
        for column in named:
            if sheet.column(column) is None:
                self._file_problem(
                    sheet.name,
                    "unknown-column",
                    _("unknown column (this sheet's columns: %(names)s)") % {"names": ", ".join(sheet.names)},
                    column,
                    row=1,
                )
        missing = [column for column in sheet.required if column not in named]
        for column in missing:
            self._file_problem(
                sheet.name, "missing-column", _("the sheet has no column %(name)s") % {"name": column}, column, row=1
            )
        return not missing

    # --- one row ---------------------------------------------------------------------------------------------

    def _begin(self, sheet: Sheet, row: Row) -> tuple[RowResult, _Values]:
        result = RowResult(sheet.name, row.number, row.where, key="")
        values = _Values()
        for name in row.formulas:
            self._problem(result, name, "formula", _("the cell holds a formula; the import takes values only"))
        for cell in row.unnamed:
            self._problem(result, cell, "unknown-column", _("a value in a column without a name"))
        for name, value in row.values.items():
            known = sheet.column(name)
            if known is None:
                self._problem(
                    result,
                    name,
                    "unknown-column",
                    _("unknown column (this sheet's columns: %(names)s)") % {"names": ", ".join(sheet.names)},
                )
                continue
            self._typed(result, known, value, values)
        for column in sheet.columns:
            empty = values.get(column.name) in (None, "", []) and column.name not in row.formulas
            if column.required and empty and not any(p.column == column.name for p in result.problems):
                self._problem(result, column.name, "required", _("a value is required"))
        result.key = " ".join(_shown(values.get(name)) for name in sheet.key if values.get(name) not in (None, ""))
        return result, values

    def _typed(self, result: RowResult, column: Column, value: object, values: _Values) -> None:
        name = column.name
        if column.kind in (Kind.DATE, Kind.DAY):
            parsed = parse_date(value)
            if parsed is None:
                self._problem(
                    result,
                    name,
                    "not-a-date",
                    _("%(value)r is not a date (write 2022-01-06, 2014-07 or 2014)") % {"value": value},
                )
                return
            date, precision = parsed
            if column.kind == Kind.DAY and precision != DatePrecision.DAY:
                self._problem(
                    result,
                    name,
                    "day-required",
                    _("%(value)r is known to the %(precision)s only; this column takes a full date")
                    % {"value": value, "precision": precision},
                )
                return
            if not column.may_be_future and date > self.today:
                self._problem(
                    result,
                    name,
                    "future-date",
                    _("%(date)s lies in the future; record what is planned as a milestone")
                    % {"date": format_date(date, precision)},
                )
                return
            values[name], values[f"{name}:precision"] = date, precision
        elif column.kind == Kind.NUMBER:
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(value, float) and value.is_integer():
                number = int(value)
            if isinstance(value, str) and value.isdigit():
                number = int(value)
            if number is None or number < 1:
                self._problem(
                    result, name, "not-a-number", _("%(value)r is not a whole number from 1") % {"value": value}
                )
                return
            values[name] = number
        elif column.kind in (Kind.STATE, Kind.STATES):
            codes = value if isinstance(value, list) else re.split(r"[\s,;]+", str(value))
            codes = [str(code).strip().upper() for code in codes if str(code).strip()]
            unknown = [code for code in codes if code not in self.states]
            if unknown:
                self._problem(
                    result,
                    name,
                    "unknown-state",
                    _("unknown state %(codes)s (use ISO 3166-1 alpha-3 codes such as JPN)")
                    % {"codes": ", ".join(unknown)},
                )
                return
            if column.kind == Kind.STATE and len(codes) != 1:
                self._problem(result, name, "unknown-state", _("one state, please (an ISO 3166-1 alpha-3 code)"))
                return
            values[name] = (
                [self.states[code] for code in codes] if column.kind == Kind.STATES else self.states[codes[0]]
            )
        elif column.kind == Kind.CHOICE:
            assert column.choices is not None
            text = str(value)
            if text not in column.choices.values:
                self._problem(
                    result,
                    name,
                    "unknown-choice",
                    _("unknown value %(value)r (one of %(choices)s)")
                    % {"value": text, "choices": ", ".join(column.choices.values)},
                )
                return
            values[name] = text
        elif column.kind == Kind.SOURCE:
            key = str(value)
            if key in self.sources:
                values[name] = self.sources[key]
            elif key in self.refused_sources:
                self._problem(
                    result,
                    name,
                    "undefined-source",
                    _("the source %(key)r was refused on the sources sheet") % {"key": key},
                )
            else:
                self._problem(
                    result,
                    name,
                    "undefined-source",
                    _("the source %(key)r is cited but not defined on the sources sheet") % {"key": key},
                )
        else:
            if isinstance(value, datetime.date | datetime.datetime):
                value = value.isoformat()
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            elif not isinstance(value, str | int | float):
                self._problem(result, name, "not-text", _("expected text, got %(value)r") % {"value": value})
                return
            values[name] = str(value)

    def _problem(self, result: RowResult, column: str, rule: str, message: str) -> None:
        result.problems.append(Problem(result.sheet, result.where, column, rule, message, result.row))

    def _finish(self, result: RowResult) -> None:
        if result.problems:
            result.outcome = REFUSED
            self.report.problems.extend(result.problems)
        self.report.counts[result.sheet][result.outcome] += 1
        if self.keep_rows:
            self.report.rows.append(result)
        if self.on_row is not None:
            self.on_row(result)

    def _once(self, result: RowResult, sheet: Sheet, key: tuple[object, ...], column: str) -> bool:
        """Whether this is the first row with this key in the file (a second is refused)."""
        seen = self.seen.setdefault(sheet.name, set())
        if key in seen:
            self._problem(result, column, "duplicate-key", _("a second row with the key %(key)s") % {"key": result.key})
            return False
        seen.add(key)
        return True

    def _write(self, result: RowResult, sheet: Sheet, write: Callable[[], Any]) -> Any:
        """Run one write through the services; what they refuse becomes the row's problems, by column."""
        try:
            with transaction.atomic():
                return write()
        except (ValidationError, PermissionDenied) as error:
            self._refused_by(result, sheet, error)
        except IntegrityError as error:
            self._problem(
                result,
                sheet.key[0],
                "invalid",
                _("conflicts with the stored record (%(error)s)") % {"error": str(error)[:200]},
            )
        return None

    def _refused_by(self, result: RowResult, sheet: Sheet, error: Exception) -> None:
        if isinstance(error, lifecycle.TransitionRefused):
            self._problem(result, "status", "lifecycle", error.reason)
        elif isinstance(error, PermissionDenied):
            self._problem(result, sheet.key[0], "not-permitted", str(error) or _("You may not change this agreement."))
        elif isinstance(error, ValidationError):
            for name, messages in _messages(error).items():
                column = name if sheet.column(name) else {"participations": "parties"}.get(name, sheet.key[-1])
                for message in messages:
                    self._problem(result, column, "invalid", message)

    @staticmethod
    def _diff(result: RowResult, stored: models.Model, wanted: dict[str, Any]) -> dict[str, Any]:
        changed = {name: value for name, value in wanted.items() if getattr(stored, name) != value}
        result.changes = [
            FieldChange(name, _shown(getattr(stored, name)), _shown(value))
            for name, value in changed.items()
            if not name.endswith("_precision") or (name.replace("_precision", "_on") not in changed)
        ]
        return changed

    # --- the agreement a row belongs to ----------------------------------------------------------------------

    def _agreement(self, result: RowResult, slug: str | None) -> Agreement | None:
        """The stored agreement (perhaps created by this file) that may be written by the actor; None with a
        problem otherwise."""
        if not slug:
            return None
        if slug in self.agreements:
            self.agreements.move_to_end(slug)
            agreement = self.agreements[slug]
        else:
            agreement = Agreement.objects.filter(slug=slug).first()
            self.agreements[slug] = agreement
            if len(self.agreements) > 512:
                self.agreements.popitem(last=False)
        if agreement is None:
            self._problem(
                result,
                "agreement",
                "unknown-agreement",
                _("no agreement %(slug)r is stored or defined on the agreements sheet") % {"slug": slug},
            )
            return None
        if not self._may_write(agreement):
            self._problem(
                result,
                "agreement",
                "not-permitted",
                _("you may not change %(title)s: none of your states is party to it") % {"title": agreement.title},
            )
            return None
        return agreement

    def _may_write(self, agreement: Agreement) -> bool:
        if self.actor is None:
            return True
        if agreement.pk not in self.writable:
            self.writable[agreement.pk] = policy.can(self.actor, Action.CHANGE, agreement)
        return self.writable[agreement.pk]

    def _forget(self, slug: str) -> None:
        self.agreements.pop(slug, None)

    # --- the sheets ------------------------------------------------------------------------------------------

    def _agreement_types(self, row: Row) -> None:
        sheet = fmt.AGREEMENT_TYPES
        result, values = self._begin(sheet, row)
        if not result.problems and self._once(result, sheet, (values["code"],), "code"):
            stored = self.types.get(values["code"])
            wanted = {
                "name": values["name"],
                "description": values.get("description", ""),
                "family": values.get("family", ""),
            }
            changed = self._diff(result, stored, wanted) if stored is not None else wanted
            if changed:
                written = self._write(
                    result,
                    sheet,
                    lambda: services.agreement_type_upsert(actor=self.actor, code=values["code"], **wanted),
                )
                if written is not None:
                    self.types[values["code"]] = written[0]
                    result.outcome = CREATED if stored is None else CHANGED
        self._finish(result)

    def _groupings(self, row: Row) -> None:
        sheet = fmt.GROUPINGS
        result, values = self._begin(sheet, row)
        code = values.get("code")
        if not result.problems and self._once(result, sheet, (code,), "code"):
            members = sorted(state.alpha3 for state in values["members"])
            stored = Grouping.objects.filter(code=code).first()
            if stored is None:
                result.outcome = CREATED
            else:
                have = sorted(stored.members.values_list("alpha3", flat=True))
                self._diff(result, stored, {"name": values["name"]})
                if have != members:
                    result.changes.append(FieldChange("members", " ".join(have), " ".join(members)))
                result.outcome = CHANGED if result.changes else UNCHANGED
            if result.outcome != UNCHANGED:
                if self.actor is not None and not policy.can(self.actor, Action.CHANGE, stored or Grouping):
                    self._problem(result, "code", "not-permitted", _("only administrators change groupings of states"))
                else:
                    self._write(
                        result,
                        sheet,
                        lambda: grouping_upsert(code=str(code), name=values["name"], member_codes=members),
                    )
        self._finish(result)

    def _sources(self, row: Row) -> None:
        sheet = fmt.SOURCES
        result, values = self._begin(sheet, row)
        key = values.get("key")
        if not result.problems and self._once(result, sheet, (key,), "key"):
            wanted: dict[str, Any] = {
                "title": values["title"],
                "publisher": values["publisher"],
                "url": values.get("url", ""),
                "published_on": values.get("published_on"),
                "published_precision": values.precision("published_on"),
                "language": values.get("language", "en"),
            }
            lookup = {"url": wanted["url"]} if wanted["url"] else {
                "publisher": wanted["publisher"], "title": wanted["title"], "published_on": wanted["published_on"],
            }  # fmt: skip
            stored = Source.objects.filter(**lookup).order_by("pk").first()
            if stored is None:
                # The same publication stored before its address (or date) was known: the file adds them to it.
                stored = (
                    Source.objects.filter(url="", publisher=wanted["publisher"], title=wanted["title"])
                    .exclude(pk__in=[known.pk for known in self.sources.values()])
                    .order_by("pk")
                    .first()
                )
            if stored is None:
                source = self._write(result, sheet, lambda: services.source_record(actor=self.actor, **wanted))
                result.outcome = CREATED
            else:
                changed = self._diff(result, stored, wanted)
                source = stored
                if changed:
                    source = self._write(
                        result, sheet, lambda: services.source_update(actor=self.actor, source=stored, **changed)
                    )
                    result.outcome = CHANGED
            if source is not None:
                self.sources[str(key)] = source
        if result.problems and key and str(key) not in self.sources:
            self.refused_sources.add(str(key))
        self._finish(result)

    def _agreements(self, row: Row) -> None:
        sheet = fmt.AGREEMENTS
        result, values = self._begin(sheet, row)
        type_code = values.get("type")
        if type_code and type_code not in self.types:
            self._problem(
                result,
                "type",
                "unknown-type",
                _("unknown agreement type %(code)r (stored: %(codes)s; or add it on the agreement_types sheet)")
                % {"code": type_code, "codes": ", ".join(sorted(self.types))},
            )
        slug = values.get("slug")
        if not result.problems and self._once(result, sheet, (slug,), "slug"):
            wanted: dict[str, Any] = {
                "title": values["title"],
                "type": self.types[str(type_code)],
                "summary": values.get("summary", ""),
                "target_conclusion_on": values.get("target_conclusion_on"),
                "entry_into_force_scheduled_on": values.get("entry_into_force_scheduled_on"),
            }
            parties: list[State] = values["parties"]
            stored = Agreement.objects.filter(slug=slug).first()
            if stored is None:
                self._write(
                    result,
                    sheet,
                    lambda: services.agreement_create(actor=self.actor, slug=str(slug), parties=parties, **wanted),
                )
                result.outcome = CREATED
            elif not self._may_write(stored):
                self._problem(
                    result,
                    "slug",
                    "not-permitted",
                    _("you may not change %(title)s: none of your states is party to it") % {"title": stored.title},
                )
            else:
                changed = self._diff(result, stored, wanted)
                have = {p.state_id: p for p in stored.participations.select_related("state")}
                added = [state for state in parties if state.pk not in have]
                if added:
                    result.changes.append(
                        FieldChange(
                            "parties",
                            " ".join(sorted(p.state.alpha3 for p in have.values())),
                            " ".join(sorted([*(p.state.alpha3 for p in have.values()), *(s.alpha3 for s in added)])),
                        )
                    )
                if changed or added:
                    # Parties are added, never removed: a party the file leaves out stays, with its own steps.
                    kept = [_participation_values(p) for p in have.values()]
                    participations: list[dict[str, Any]] | None = None
                    if added:
                        participations = [*kept, *({"state": state} for state in added)]
                    self._write(
                        result,
                        sheet,
                        lambda: services.agreement_update(
                            actor=self.actor, agreement=stored, participations=participations, **changed
                        ),
                    )
                    result.outcome = CHANGED
            self._forget(str(slug))
        self._finish(result)

    def _parties(self, row: Row) -> None:
        sheet = fmt.PARTIES
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        state: State | None = values.get("state")
        if (
            agreement is not None
            and state is not None
            and not result.problems
            and self._once(result, sheet, (agreement.pk, state.pk), "state")
        ):
            stored = agreement.participations.filter(state=state).first()
            if stored is None:
                parties = " ".join(sorted(agreement.participations.values_list("state__alpha3", flat=True)))
                self._problem(
                    result,
                    "state",
                    "not-a-party",
                    _("%(state)s is not a party to %(slug)s (its parties: %(parties)s); add it on the agreements sheet")
                    % {"state": state.alpha3, "slug": agreement.slug, "parties": parties},
                )
            else:
                wanted: dict[str, Any] = {
                    "signed_on": values.get("signed_on"),
                    "approval_body": values.get("approval_body", ""),
                    "approval_status": values.get("approval_status", ApprovalStatus.PENDING),
                    "approval_submitted_on": values.get("approval_submitted_on"),
                    "approval_decided_on": values.get("approval_decided_on"),
                    "approval_decided_precision": values.precision("approval_decided_on"),
                    "entry_into_force_on": values.get("entry_into_force_on"),
                    "note": values.get("note", ""),
                    "source": values.get("source"),
                }
                changed = self._diff(result, stored, wanted)
                if changed:
                    self._write(
                        result,
                        sheet,
                        lambda: services.participation_update(actor=self.actor, participation=stored, **changed),
                    )
                    result.outcome = CHANGED
        self._finish(result)

    def _events(self, group: list[Row]) -> None:
        """One agreement's run of status changes (consecutive rows, in date order): the stored ones matched by
        status and date (one query), the new ones recorded together (services.agreement_history_record)."""
        sheet = fmt.EVENTS
        begun = [self._begin(sheet, row) for row in group]
        agreement: Agreement | None = None
        ready = []
        for result, values in begun:
            if not result.problems:
                agreement = self._agreement(result, values.get("agreement"))  # the same for the run (cached)
                if agreement is not None:
                    ready.append((result, values))
        if agreement is not None and ready:
            self._events_of(agreement, ready)
        for result, _values in begun:
            self._finish(result)

    def _events_of(self, agreement: Agreement, rows: list[tuple[RowResult, "_Values"]]) -> None:
        sheet = fmt.EVENTS
        stored = {(e.status, e.effective_on): e for e in selectors.counting_events().filter(agreement=agreement)}
        seen: set[tuple[str, datetime.date]] = set()
        new: list[tuple[RowResult, dict[str, Any]]] = []
        for result, values in rows:
            key = (values["status"], values["effective_on"])
            wanted: dict[str, Any] = {
                "date_precision": values.precision("effective_on"),
                "place": values.get("place", ""),
                "note": values.get("note", ""),
                "source": values.get("source"),
            }
            match = stored.get(key)
            # A key seen before in this run, or matching an event this import wrote (an earlier run of the same
            # agreement's rows), is a second row for one status change.
            if key in seen or (match is not None and (match.pk > self.first_new_event or match.pk in self.matched)):
                self._problem(
                    result,
                    "effective_on",
                    "duplicate-key",
                    _("a second row with the key %(key)s") % {"key": result.key},
                )
                continue
            seen.add(key)
            if match is not None:
                self.matched.add(match.pk)
            if match is None:
                new.append(
                    (
                        result,
                        {
                            "status": key[0],
                            "effective_on": key[1],
                            "no_source_reason": values.get("no_source_reason", ""),
                            **wanted,
                        },
                    )
                )
            elif not self._cited_instead(result, sheet, match, wanted) and self._diff(result, match, wanted):
                names = ", ".join(change.field for change in result.changes)
                self._problem(
                    result,
                    result.changes[0].field if result.changes[0].field in sheet.names else "note",
                    "event-immutable",
                    _(
                        "this status change is stored with other values (%(names)s); "
                        "a status change is never edited: an administrator corrects it"
                    )
                    % {"names": names},
                )
                result.changes = []
        if not new:
            return
        recorded = self._write(
            new[0][0],
            sheet,
            lambda: services.agreement_history_record(
                actor=self.actor, agreement=agreement, steps=[step for _result, step in new]
            ),
        )
        for (result, _step), outcome in zip(new, recorded or [], strict=False):
            if isinstance(outcome, ValidationError):
                self._refused_by(result, sheet, outcome)
            else:
                result.outcome = CREATED
        self._forget(agreement.slug)

    def _cited_instead(self, result: RowResult, sheet: Sheet, stored: StatusEvent, wanted: dict[str, object]) -> bool:
        """A stored status change is never edited, but its evidence may grow: a row that differs from it only
        by its source cites that source for it (once), as a further citation."""
        source = wanted["source"]
        others = {name: value for name, value in wanted.items() if name != "source"}
        if source is None or source == stored.source or self._diff(result, stored, others):
            return False
        assert isinstance(source, Source)
        if stored.citations.filter(source=source).exists():
            return True
        if self._write(result, sheet, lambda: services.citation_add(actor=self.actor, fact=stored, source=source)):
            result.outcome = CHANGED
            result.changes = [FieldChange("citations", "", _shown(source))]
        return True

    def _rounds(self, row: Row) -> None:
        sheet = fmt.ROUNDS
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        if (
            agreement is not None
            and not result.problems
            and self._once(result, sheet, (agreement.pk, values["number"]), "number")
        ):
            wanted: dict[str, Any] = {
                "starts_on": values["starts_on"],
                "starts_precision": values.precision("starts_on"),
                "ends_on": values.get("ends_on"),
                "place": values.get("place", ""),
                "host": values.get("host"),
                "summary": values.get("summary", ""),
                "source": values.get("source"),
                "no_source_reason": values.get("no_source_reason", ""),
            }
            stored = agreement.rounds.filter(number=values["number"]).first()
            self._upsert(
                result,
                sheet,
                stored,
                wanted,
                create=lambda: services.round_record(
                    actor=self.actor, agreement=agreement, number=values["number"], **wanted
                ),
                update=lambda changed: services.round_update(actor=self.actor, round=_stored(stored), **changed),
            )
        self._finish(result)

    def _milestones(self, row: Row) -> None:
        sheet = fmt.MILESTONES
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        if agreement is not None and not result.problems:
            title, due_on = values["title"], values["due_on"]
            if self._once(result, sheet, (agreement.pk, title, due_on), "title"):
                status = values.get("status", MilestoneStatus.PLANNED)
                wanted: dict[str, Any] = {
                    "due_precision": values.precision("due_on"),
                    "kind": values.get("kind", MilestoneKind.OTHER),
                    "status": status,
                    "completed_on": values.get("completed_on"),
                    "responsible_party": values.get("responsible_party"),
                    "note": values.get("note", ""),
                    "source": values.get("source"),
                    "no_source_reason": values.get("no_source_reason", ""),
                }
                stored = agreement.milestones.filter(title=title, due_on=due_on).order_by("pk").first()
                self._upsert(
                    result,
                    sheet,
                    stored,
                    wanted,
                    create=lambda: services.milestone_record(
                        actor=self.actor, agreement=agreement, title=title, due_on=due_on, **wanted
                    ),
                    update=lambda changed: services.milestone_update(
                        actor=self.actor, milestone=_stored(stored), **changed
                    ),
                )
        self._finish(result)

    def _upsert(
        self,
        result: RowResult,
        sheet: Sheet,
        stored: models.Model | None,
        wanted: dict[str, Any],
        create: Callable[[], Any],
        update: Callable[[dict[str, Any]], Any],
    ) -> None:
        if stored is None:
            if self._write(result, sheet, create) is not None:
                result.outcome = CREATED
            return
        changed = self._diff(result, stored, wanted)
        if changed and self._write(result, sheet, lambda: update(changed)) is not None:
            result.outcome = CHANGED

    def _citations(self, row: Row) -> None:
        sheet = fmt.CITATIONS
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        if agreement is not None and not result.problems:
            fact = self._fact(result, agreement, values)
            source: Source = values["source"]
            if fact is not None and self._once(result, sheet, (type(fact).__name__, fact.pk, source.pk), "source"):
                wanted = {"role": values.get("role", CitationRole.STATES), "quote": values.get("quote", "")}
                stored = fact.citations.filter(source=source).first()
                if stored is None:
                    written = self._write(
                        result,
                        sheet,
                        lambda: services.citation_add(actor=self.actor, fact=fact, source=source, **wanted),
                    )
                    if written is not None:
                        result.outcome = CREATED
                elif self._diff(result, stored, wanted):
                    self._problem(
                        result,
                        "role",
                        "invalid",
                        _(
                            "this source is already cited for the fact with another role or quote; "
                            "remove that citation first"
                        ),
                    )
                    result.changes = []
        self._finish(result)

    def _fact(self, result: RowResult, agreement: Agreement, values: _Values) -> Any:
        """The fact a citation row names, by that fact's key columns."""
        kind = values["fact"]
        needs = {
            FactKind.EVENT: ("status", "date"),
            FactKind.ROUND: ("number",),
            FactKind.MILESTONE: ("title", "date"),
            FactKind.PARTY: ("state",),
        }[kind]
        missing = [name for name in needs if values.get(name) in (None, "")]
        for name in missing:
            self._problem(
                result,
                name,
                "required",
                _("a citation of a %(kind)s names its %(columns)s") % {"kind": kind, "columns": " and ".join(needs)},
            )
        if missing:
            return None
        found: models.Model | None
        if kind == FactKind.EVENT:
            found = (
                selectors.counting_events()
                .filter(agreement=agreement, status=values["status"], effective_on=values["date"])
                .first()
            )
        elif kind == FactKind.ROUND:
            found = NegotiationRound.objects.filter(agreement=agreement, number=values["number"]).first()
        elif kind == FactKind.MILESTONE:
            found = Milestone.objects.filter(agreement=agreement, title=values["title"], due_on=values["date"]).first()
        else:
            found = Participation.objects.filter(agreement=agreement, state=values["state"]).first()
        if found is None:
            self._problem(
                result,
                "fact",
                "unknown-fact",
                _("%(slug)s has no such %(kind)s (%(key)s)")
                % {"slug": agreement.slug, "kind": kind, "key": " ".join(_shown(values[name]) for name in needs)},
            )
        return found


def _stored(obj: M | None) -> M:
    """The stored row an update is for (the caller updates only what it found)."""
    assert obj is not None
    return obj


def _participation_values(participation: Participation) -> dict[str, Any]:
    return {
        "state": participation.state,
        **{name: getattr(participation, name) for name in services.PARTICIPATION_FIELDS},
    }


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("" if name == "__all__" else name): messages for name, messages in error.message_dict.items()}
    return {"": list(error.messages)}


def _known_columns(sheet: Sheet, rows: Iterator[Row]) -> Iterator[Row]:
    names = set(sheet.names)
    for row in rows:
        row.values = {name: value for name, value in row.values.items() if name in names}
        row.formulas = [name for name in row.formulas if name in names or name.isupper()]  # or a column letter
        yield row


def _by_agreement(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """Consecutive rows of one agreement, in date order: an agreement's history is placed step by step, whatever
    order the file lists it in (the lifecycle checks each step against the ones before it)."""
    group: list[Row] = []
    for row in rows:
        if group and row.values.get("agreement") != group[0].values.get("agreement"):
            yield _in_date_order(group)
            group = []
        group.append(row)
    if group:
        yield _in_date_order(group)


def _in_date_order(group: list[Row]) -> list[Row]:
    def when(row: Row) -> tuple[datetime.date, int]:
        parsed = parse_date(row.values.get("effective_on"))
        return (parsed[0] if parsed else datetime.date.max), row.number

    return sorted(group, key=when)
