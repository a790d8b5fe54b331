"""The import's machinery: sheets in order, headers, each row typed and checked, writes through the services
with what they refuse named by column."""

import datetime
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from negotiations import lifecycle
from negotiations.choices import DatePrecision
from negotiations.models import FUTURE_DATE, Agreement, AgreementType, Source, StatusEvent
from parties.models import State
from parties.services import states_load_from_iso

from .. import format as fmt
from ..format import Column, Kind, Sheet
from ..reading import FileRefused, RecordFile, Row, SheetData, known_sheet
from .report import OUTCOMES, REFUSED, FieldChange, ImportReport, Problem, RowResult
from .values import Values, format_date, parse_date, shown


class Engine:
    """The file read sheet by sheet and each row checked; the sheets' own handlers are in sheets.py."""

    def _events(self, group: list[Row]) -> None:
        raise NotImplementedError  # sheets.Import: an agreement's run of status changes

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
        self.source_ids: set[int] = set()  # the stored sources the file's keys name, each taken by one key
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

    def _begin(self, sheet: Sheet, row: Row) -> tuple[RowResult, Values]:
        result = RowResult(sheet.name, row.number, row.where, key="")
        values = Values()
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
            self._typed(result, known, value, values, past=name in sheet.past_dates)
        for column in sheet.columns:
            empty = values.get(column.name) in (None, "", []) and column.name not in row.formulas
            if column.required and empty and not any(p.column == column.name for p in result.problems):
                self._problem(result, column.name, "required", _("a value is required"))
        result.key = " ".join(shown(values.get(name)) for name in sheet.key if values.get(name) not in (None, ""))
        return result, values

    def _typed(self, result: RowResult, column: Column, value: object, values: Values, *, past: bool) -> None:
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
            if past and date > self.today:
                self._problem(result, name, "future-date", FUTURE_DATE % {"date": format_date(date, precision)})
                return
            values[name], values[f"{name}:precision"] = date, precision
        elif column.kind == Kind.NUMBER:
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(value, float) and value.is_integer():
                number = int(value)
            if isinstance(value, str) and value.isdecimal() and value.isascii():
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
        except (IntegrityError, DataError) as error:  # what the database refuses that no rule before it saw
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
                for message, rule in messages:
                    self._problem(result, column, rule, message)

    @staticmethod
    def _diff(result: RowResult, stored: models.Model, wanted: dict[str, Any]) -> dict[str, Any]:
        changed = {name: value for name, value in wanted.items() if _differs(stored, name, value)}
        result.changes = [
            FieldChange(name, shown(getattr(stored, name)), shown(value))
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


# The rules of the models that the format names as rules of its own (docs/import-format.md); any other is invalid.
MODEL_RULES = {"future-date"}


def _messages(error: ValidationError) -> dict[str, list[tuple[str, str]]]:
    """The messages of a refusal by field ("" for the whole row), each with the rule it names."""
    fields = error.error_dict if hasattr(error, "error_dict") else {"": error.error_list}
    return {
        ("" if name == "__all__" else name): [
            (message, each.code if each.code in MODEL_RULES else "invalid")
            for each in errors
            for message in each.messages
        ]
        for name, errors in fields.items()
    }


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


def _differs(stored: models.Model, name: str, value: Any) -> bool:
    """Whether the stored field differs from `value`; a foreign key by its id (no query for the related row)."""
    field = stored._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return getattr(stored, field.attname) != (value.pk if value is not None else None)
    return bool(getattr(stored, name) != value)
