"""Writing agreements in the interchange format (docs/import-format.md): the same sheets and columns the import
reads, so that an export imported into an empty database gives the same record.

Rows come from the database sheet by sheet, in chunks; the XLSX writer streams them (openpyxl's write-only
mode). Every date is written as text as far as it is known ("2014-07" stays a month), a round's number as a
number. The history written is the one that counts (a corrected entry's correction, not the wrong entry).
"""

import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
import yaml
from django.db.models import Q, QuerySet

from negotiations import selectors
from negotiations.models import (
    Agreement,
    AgreementType,
    Citation,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
)
from parties.models import Grouping

from . import format as fmt
from .format import FactKind, Sheet
from .importer import format_date

AGREEMENTS_PER_BATCH = 500
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "yaml": ("application/yaml", "yaml"),
    "json": ("application/json", "json"),
}

Values = dict[str, Any]


def _key(source_id: int | None) -> str | None:
    return f"source-{source_id}" if source_id else None


def _code(state: Any) -> str | None:
    return state.alpha3 if state is not None else None


Progress = Callable[[str, int, bool], None]  # (sheet, rows so far, whether the sheet is done)
PROGRESS_EVERY = 50_000


def _counted(rows: Iterator[Values], sheet: str, progress: Progress | None) -> Iterator[Values]:
    count = 0
    for count, values in enumerate(rows, start=1):  # noqa: B007 - the count is the point
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(sheet, count, False)
        yield values
    if progress is not None:
        progress(sheet, count, True)


def sheets(
    agreements: QuerySet[Agreement], progress: Progress | None = None
) -> Iterator[tuple[Sheet, Iterator[Values]]]:
    """Each sheet of the format with its rows for these agreements (and the types and sources they use)."""
    for sheet, rows in _sheets(agreements):
        yield sheet, _counted(rows, sheet.name, progress)


def _sheets(agreements: QuerySet[Agreement]) -> Iterator[tuple[Sheet, Iterator[Values]]]:
    ids = agreements.order_by().values("pk")
    # Reference data whole (a few rows): an import into an empty database then holds the same types and groupings.
    yield fmt.AGREEMENT_TYPES, _types(AgreementType.objects.order_by("code"))
    yield fmt.GROUPINGS, _groupings(Grouping.objects.prefetch_related("members").order_by("code"))
    cited = (
        Q(events__agreement__in=ids)
        | Q(rounds__agreement__in=ids)
        | Q(milestones__agreement__in=ids)
        | Q(participations__agreement__in=ids)
        | Q(citations__agreement__in=ids)
    )
    source_ids = Source.objects.filter(cited).values("pk")
    yield fmt.SOURCES, _sources(Source.objects.filter(pk__in=source_ids).order_by("pk"))
    order = list(Agreement.objects.filter(pk__in=ids).order_by("slug").values_list("pk", flat=True))

    def batched(rows_of: Callable[[list[int]], QuerySet[Any]]) -> Iterator[Any]:
        """The rows of the agreements in slug order, a batch of agreements at a time: each query is a plain
        one over a few hundred agreements (a server-side cursor over a million rows would be planned for its
        first rows, and held), and memory holds one batch."""
        for start in range(0, len(order), AGREEMENTS_PER_BATCH):
            yield from rows_of(order[start : start + AGREEMENTS_PER_BATCH])

    yield (
        fmt.AGREEMENTS,
        _agreements(
            batched(
                lambda batch: (
                    Agreement.objects.filter(pk__in=batch)
                    .select_related("type")
                    .prefetch_related("participations__state")
                    .order_by("slug")
                )
            )
        ),
    )
    yield (
        fmt.PARTIES,
        _parties(
            batched(
                lambda batch: (
                    Participation.objects.filter(agreement__in=batch)
                    .select_related("agreement", "state")
                    .order_by("agreement__slug", "state__alpha3")
                )
            )
        ),
    )
    yield (
        fmt.EVENTS,
        _events(
            batched(
                lambda batch: (
                    selectors.counting_events()
                    .filter(agreement__in=batch)
                    .select_related("agreement")
                    .order_by("agreement__slug", "effective_on", "id")
                )
            )
        ),
    )
    yield (
        fmt.ROUNDS,
        _rounds(
            batched(
                lambda batch: (
                    NegotiationRound.objects.filter(agreement__in=batch)
                    .select_related("agreement", "host")
                    .order_by("agreement__slug", "number")
                )
            )
        ),
    )
    yield (
        fmt.MILESTONES,
        _milestones(
            batched(
                lambda batch: (
                    Milestone.objects.filter(agreement__in=batch)
                    .select_related("agreement", "responsible_party")
                    .order_by("agreement__slug", "due_on", "id")
                )
            )
        ),
    )
    yield (
        fmt.CITATIONS,
        _citations(
            batched(
                lambda batch: (
                    Citation.objects.filter(agreement__in=batch)
                    .filter(
                        Q(event__isnull=True)
                        | Q(event__in=selectors.counting_events().filter(agreement__in=batch).values("pk"))
                    )
                    .select_related("agreement", "event", "round", "milestone", "participation__state")
                    .order_by("agreement__slug", "id")
                )
            )
        ),
    )


def _types(rows: QuerySet[AgreementType]) -> Iterator[Values]:
    for row in rows:
        yield {"code": row.code, "name": row.name, "description": row.description, "family": row.family}


def _groupings(rows: QuerySet[Grouping]) -> Iterator[Values]:
    for row in rows:
        yield {"code": row.code, "name": row.name, "members": " ".join(sorted(s.alpha3 for s in row.members.all()))}


def _sources(rows: QuerySet[Source]) -> Iterator[Values]:
    for row in rows:  # the sources the chosen agreements cite: far fewer than their facts
        yield {
            "key": _key(row.pk),
            "title": row.title,
            "publisher": row.publisher,
            "url": row.url,
            "published_on": format_date(row.published_on, row.published_precision),
            "language": row.language,
        }


def _agreements(rows: Iterable[Agreement]) -> Iterator[Values]:
    for row in rows:
        yield {
            "slug": row.slug,
            "title": row.title,
            "type": row.type.code,
            "parties": " ".join(sorted(p.state.alpha3 for p in row.participations.all())),
            "summary": row.summary,
            "target_conclusion_on": format_date(row.target_conclusion_on),
            "entry_into_force_scheduled_on": format_date(row.entry_into_force_scheduled_on),
        }


def _parties(rows: Iterable[Participation]) -> Iterator[Values]:
    for row in rows:
        values = {
            "agreement": row.agreement.slug,
            "state": row.state.alpha3,
            "signed_on": format_date(row.signed_on),
            "approval_body": row.approval_body,
            "approval_status": row.approval_status,
            "approval_submitted_on": format_date(row.approval_submitted_on),
            "approval_decided_on": format_date(row.approval_decided_on, row.approval_decided_precision),
            "entry_into_force_on": format_date(row.entry_into_force_on),
            "note": row.note,
            "source": _key(row.source_id),
        }
        if any(values[name] for name in values if name not in ("agreement", "state", "approval_status")) or (
            row.approval_status != "pending"
        ):
            yield values  # a party with no steps of its own is on the agreements sheet already


def _events(rows: Iterable[Any]) -> Iterator[Values]:
    for row in rows:
        yield {
            "agreement": row.agreement.slug,
            "status": row.status,
            "effective_on": format_date(row.effective_on, row.date_precision),
            "place": row.place,
            "note": row.note,
            "source": _key(row.source_id),
            "no_source_reason": row.no_source_reason,
        }


def _rounds(rows: Iterable[NegotiationRound]) -> Iterator[Values]:
    for row in rows:
        yield {
            "agreement": row.agreement.slug,
            "number": row.number,
            "starts_on": format_date(row.starts_on, row.starts_precision),
            "ends_on": format_date(row.ends_on),
            "place": row.place,
            "host": _code(row.host),
            "summary": row.summary,
            "source": _key(row.source_id),
            "no_source_reason": row.no_source_reason,
        }


def _milestones(rows: Iterable[Milestone]) -> Iterator[Values]:
    for row in rows:
        yield {
            "agreement": row.agreement.slug,
            "title": row.title,
            "due_on": format_date(row.due_on, row.due_precision),
            "kind": row.kind,
            "status": row.status,
            "completed_on": format_date(row.completed_on),
            "responsible_party": _code(row.responsible_party),
            "note": row.note,
            "source": _key(row.source_id),
            "no_source_reason": row.no_source_reason,
        }


def _citations(rows: Iterable[Citation]) -> Iterator[Values]:
    for row in rows:
        values: Values = {"agreement": row.agreement.slug}
        if row.event is not None:
            values |= {
                "fact": FactKind.EVENT.value,
                "status": row.event.status,
                "date": format_date(row.event.effective_on, row.event.date_precision),
            }
        elif row.round is not None:
            values |= {"fact": FactKind.ROUND.value, "number": row.round.number}
        elif row.milestone is not None:
            values |= {
                "fact": FactKind.MILESTONE.value,
                "title": row.milestone.title,
                "date": format_date(row.milestone.due_on, row.milestone.due_precision),
            }
        elif row.participation is not None:
            values |= {"fact": FactKind.PARTY.value, "state": row.participation.state.alpha3}
        values |= {"source": _key(row.source_id), "role": row.role, "quote": row.quote}
        yield values


# --- Encodings ------------------------------------------------------------------------------------------------


def _cells(sheet: Sheet, values: Values) -> list[object]:
    """A row's cells in the sheet's column order; text without the control characters no workbook holds."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells: list[object] = []
    for name in sheet.names:
        value = values.get(name)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cells.append(None if value in ("", None) else value)
    return cells


def _xlsx_cells(worksheet: Any, sheet: Sheet, values: Values) -> list[object]:
    """The row for openpyxl, where text beginning with '=' would become a live formula: it is written as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = _cells(sheet, values)
    for index, value in enumerate(cells):
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(worksheet, value=value)
            cell.data_type = "s"
            cells[index] = cell
    return cells


def write_xlsx(
    agreements: QuerySet[Agreement],
    out: io.BufferedIOBase | Any,
    only: set[str] | None = None,
    progress: Progress | None = None,
) -> None:
    """Stream the workbook into `out` (a file or a buffer): write-only mode keeps no rows in memory. `only`
    names the sheets to write (all by default)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(fmt.ABOUT_SHEET)
    about.append(["format", fmt.FORMAT])
    about.append(["version", fmt.VERSION])
    for sheet, rows in sheets(agreements, progress):
        if only is not None and sheet.name not in only:
            continue
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.names)
        for values in rows:
            worksheet.append(_xlsx_cells(worksheet, sheet, values))
    workbook.save(out)


def write_ods(agreements: QuerySet[Agreement], out: io.BufferedIOBase | Any, progress: Progress | None = None) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()

    def add(name: str, rows: Iterator[list[object]]) -> None:
        table = Table(name=name)
        for cells in rows:
            table_row = TableRow()
            for value in cells:
                if value is None:
                    table_row.addElement(TableCell())
                elif isinstance(value, int):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                    table_row.addElement(cell)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                    table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)

    about: list[list[object]] = [["format", fmt.FORMAT], ["version", fmt.VERSION]]
    add(fmt.ABOUT_SHEET, iter(about))
    for sheet, rows in sheets(agreements, progress):
        header: list[object] = list(sheet.names)
        add(sheet.name, iter([header, *(_cells(sheet, values) for values in rows)]))
    document.write(out)


def document(agreements: QuerySet[Agreement], progress: Progress | None = None) -> dict[str, object]:
    """The YAML and JSON encoding: format, version and one list per sheet (empty values left out)."""
    data: dict[str, object] = {"format": fmt.FORMAT, "version": fmt.VERSION}
    for sheet, rows in sheets(agreements, progress):
        data[sheet.name] = [{k: v for k, v in values.items() if v not in ("", None)} for values in rows]
    return data


def write(agreements: QuerySet[Agreement], kind: str, out: Any, progress: Progress | None = None) -> None:
    """Write the agreements as `kind` (xlsx, ods, yaml, json) into the binary stream `out`."""
    if kind == "xlsx":
        write_xlsx(agreements, out, progress=progress)
    elif kind == "ods":
        write_ods(agreements, out, progress)
    elif kind == "yaml":
        data = document(agreements, progress)
        out.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120).encode())
    elif kind == "json":
        out.write(orjson.dumps(document(agreements, progress), option=orjson.OPT_INDENT_2))
    else:
        raise ValueError(f"unknown export format {kind!r}")
