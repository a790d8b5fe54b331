"""Reading a record file (docs/import-format.md) into rows, sheet by sheet, without trusting it.

A workbook is read as values only: a cell holding a formula is reported, never evaluated. XLSX is streamed
row by row (interchange.xlsx, on openpyxl's read-only mode), so a large file does not sit in memory; ODS
(odfpy) and YAML/JSON are read whole, within the size limit. A workbook is a zip archive, so it is measured
before it is opened: one that would unpack past IMPORT_MAX_UNPACKED_BYTES, or is packed far tighter than any
spreadsheet, is refused.
Whatever the file's fault, the reader raises FileRefused with a sentence a person can act on.
"""

import csv
import datetime
import io
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any, cast

import orjson
import yaml
from django.conf import settings
from django.utils.translation import gettext as _

from .format import ABOUT_SHEET, BY_NAME, FORMAT, NESTED, VERSION

if TYPE_CHECKING:
    from .xlsx import StreamedSheet

# A spreadsheet's XML packs perhaps twenty to one; a part packed tighter than this is a zip bomb.
MAX_PACKING_RATIO = 200
MAX_ARCHIVE_MEMBERS = 10_000
# An ODS row or cell may say "repeated n times"; more than this for one that holds a value is refused.
MAX_REPEAT = 1_000
KINDS = ("xlsx", "ods", "csv", "yaml", "json")

Cells = list[tuple[int, object, bool]]  # the cells of a row that hold something: (column index, value, formula)


class FileRefused(Exception):
    """The file cannot be read as a record at all; `status` is the HTTP status that says why (413: too large,
    415: not a kind of file the format has, 400: damaged or malformed)."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.message, self.status = message, status
        super().__init__(message)

    @classmethod
    def too_large(cls, size: int) -> "FileRefused":
        return cls(
            _("The file is %(size)s MB; the import takes files up to %(limit)s MB.")
            % {"size": round(size / 1e6, 1), "limit": round(settings.IMPORT_MAX_BYTES / 1e6, 1)},
            status=413,
        )


# What multipart framing adds around an uploaded file, at most, before a request counts as too large.
UPLOAD_FRAMING = 64 * 1024


def refuse_declared_size(content_length: str | None) -> None:
    """Refuse a request whose body says it is larger than a file may be, before Django stores the upload (it
    writes an upload to disk before a view sees its size)."""
    try:
        declared = int(content_length or 0)
    except ValueError:
        raise FileRefused(_("The request's Content-Length is not a number.")) from None
    if declared > settings.IMPORT_MAX_BYTES + UPLOAD_FRAMING:
        raise FileRefused.too_large(declared)


@dataclass
class Row:
    """One item of a sheet: its values by column name, and where it is in the file (for the errors)."""

    sheet: str
    number: int  # a workbook's row number (the header is row 1); the item's position in YAML and JSON
    values: dict[str, Any]
    line: int | None = None  # YAML: the line the item starts on
    formulas: list[str] = field(default_factory=list)  # columns whose cell holds a formula
    unnamed: list[str] = field(default_factory=list)  # cells with a value under no column name

    @property
    def where(self) -> str:
        if self.line is not None:
            return _("line %(line)s") % {"line": self.line}
        return _("row %(number)s") % {"number": self.number}


@dataclass
class SheetData:
    """A sheet's column names (a workbook's header row; None for YAML and JSON, whose items name their own)
    and its rows, read when iterated."""

    name: str
    columns: list[str] | None
    rows: Iterator[Row]
    total: int | None = None  # how many rows it holds, where the file says (for a progress bar)


class RecordFile:
    """An opened record file: its sheets in the file's order. `close()` releases the workbook."""

    kind: str = ""

    def sheets(self) -> list[str]:
        raise NotImplementedError

    def sheet(self, name: str) -> SheetData:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release unless the reader holds a workbook open."""


def kind_of(name: str, declared: str | None = None) -> str:
    """The kind of file by its declared kind or its name's ending; refused when it is none of ours."""
    kind = (declared or PurePath(name).suffix.lstrip(".")).lower()
    kind = {"yml": "yaml"}.get(kind, kind)
    if kind not in KINDS:
        raise FileRefused(
            _("%(name)s is not a file the import reads: use XLSX, ODS, CSV, YAML or JSON (docs/import-format.md).")
            % {"name": name or _("The file")},
            status=415,
        )
    return kind


def open_record(name: str, stream: IO[bytes], *, kind: str | None = None, sheet: str | None = None) -> RecordFile:
    """Open `stream` (seekable bytes) as the record file `name`. `sheet` names the sheet a CSV file holds
    (else its name does: events.csv)."""
    kind = kind_of(name, kind)
    size = _size(stream)
    if size > settings.IMPORT_MAX_BYTES:
        raise FileRefused.too_large(size)
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if kind in ("xlsx", "ods"):
        workbook = (_Xlsx if kind == "xlsx" else _Ods)(_checked_archive(stream, kind.upper()))
        _check_about(workbook)
        return workbook
    if kind == "csv":
        return _Csv(stream, sheet or PurePath(name).stem)
    text = _text(stream.read(), name)
    if kind == "yaml":
        return _Document(*_yaml(text), kind="yaml")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise FileRefused(_("The file is not valid JSON: %(error)s") % {"error": error}) from None
    return _Document(data, kind="json")


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("%(name)s is not UTF-8 text (byte %(position)s cannot be read); save it as UTF-8.")
            % {"name": name, "position": error.start}
        ) from None


def _checked_archive(stream: IO[bytes], kind: str) -> IO[bytes]:
    """The workbook's zip archive, measured before anything unpacks it."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(
            _("The file is not an %(kind)s workbook (a workbook is a zip archive, and this is not one).")
            % {"kind": kind},
            status=415,
        ) from None
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_ARCHIVE_MEMBERS or unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileRefused(
            _("The workbook would unpack to %(size)s MB; the import unpacks at most %(limit)s MB.")
            % {"size": round(unpacked / 1e6), "limit": round(settings.IMPORT_MAX_UNPACKED_BYTES / 1e6)},
            status=413,
        )
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1):
            raise FileRefused(
                _("The workbook's part %(part)s is packed %(ratio)s to one, far tighter than any spreadsheet: refused.")
                % {"part": member.filename, "ratio": member.file_size // max(member.compress_size, 1)},
                status=413,
            )
    stream.seek(0)
    return stream


def _damaged(kind: str, error: Exception) -> FileRefused:
    return FileRefused(
        _("The %(kind)s workbook cannot be read (%(error)s); save it again from the spreadsheet program.")
        % {"kind": kind, "error": str(error)[:200] or type(error).__name__}
    )


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _Xlsx(RecordFile):
    kind = "xlsx"

    def __init__(self, stream: IO[bytes]) -> None:
        from .xlsx import open_workbook  # imported when used: openpyxl is a large module that only imports need

        try:
            self.workbook = open_workbook(stream)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
            raise _damaged("XLSX", error) from None

    def sheets(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def sheet(self, name: str) -> SheetData:
        worksheet = cast("StreamedSheet", self.workbook[name])
        rows = self._cells(worksheet.cell_rows())
        try:
            first = next(rows, None)
        except Exception as error:  # noqa: BLE001
            raise _damaged("XLSX", error) from None
        header_number, header = first or (1, [])
        columns = _header(header)
        last = worksheet.max_row
        total = last - header_number if isinstance(last, int) and last > header_number else None
        return SheetData(name, columns, _workbook_rows(self.kind, name, columns, rows), total)

    @staticmethod
    def _cells(cell_rows: Iterator[tuple[int, list[dict[str, Any]]]]) -> Iterator[tuple[int, Cells]]:
        for number, cells in cell_rows:
            yield number, [(cell["column"] - 1, _clean(cell["value"]), cell["data_type"] == "f") for cell in cells]

    def close(self) -> None:
        self.workbook.close()


class _Ods(RecordFile):
    kind = "ods"

    def __init__(self, stream: IO[bytes]) -> None:
        from odf.opendocument import load

        try:
            self.document = load(stream)
        except Exception as error:  # noqa: BLE001 - odfpy raises many kinds for a damaged file
            raise _damaged("ODS", error) from None
        from odf.table import Table

        self.tables = {
            str(table.getAttribute("name")): table for table in self.document.spreadsheet.getElementsByType(Table)
        }

    def sheets(self) -> list[str]:
        return list(self.tables)

    def sheet(self, name: str) -> SheetData:
        rows = self._cells(self.tables[name])
        try:
            header = next(rows, None)
        except ValueError as error:
            raise _damaged("ODS", error) from None
        columns = _header(header[1] if header else [])
        return SheetData(name, columns, _workbook_rows(self.kind, name, columns, rows))

    def _cells(self, table: Any) -> Iterator[tuple[int, Cells]]:
        """(row number, its cells) for each row that holds anything, repeats expanded."""
        from odf.namespaces import TABLENS
        from odf.table import TableRow

        number = 0
        for table_row in table.getElementsByType(TableRow):
            repeat = _count(table_row.attributes.get((TABLENS, "number-rows-repeated")))
            cells = self._row_cells(table_row)
            if not cells:
                number += repeat
                continue
            if repeat > MAX_REPEAT:
                raise FileRefused(_("The ODS workbook repeats a row %(count)s times: refused.") % {"count": repeat})
            for _copy in range(repeat):
                number += 1
                yield number, cells

    @staticmethod
    def _row_cells(table_row: Any) -> Cells:
        """The cells that hold a value or a formula, each with its column index (a blank advances it)."""
        from odf.namespaces import OFFICENS, TABLENS

        cells: Cells = []
        index = 0
        for cell in table_row.childNodes:
            if cell.qname[0] != TABLENS or cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            repeat = _count(cell.attributes.get((TABLENS, "number-columns-repeated")))
            formula = bool(cell.attributes.get((TABLENS, "formula")))
            value = _ods_value(cell, OFFICENS)
            if value is not None or formula:
                if repeat > MAX_REPEAT:
                    raise FileRefused(
                        _("The ODS workbook repeats a cell %(count)s times: refused.") % {"count": repeat}
                    )
                cells.extend((index + offset, value, formula) for offset in range(repeat))
            index += repeat  # trailing blanks of a row are often 16,000 columns: skipped, not listed
        return cells


def _count(text: object) -> int:
    """An ODS repeat count ("3"): a count that is not a positive whole number is damage."""
    try:
        count = int(str(text or 1))
    except ValueError:
        raise ValueError(f"repeat count {str(text)[:20]!r}") from None
    if count < 1:
        raise ValueError(f"repeat count {count}")
    return count


def _header(cells: Cells) -> list[str]:
    """The column names of a header row, by position ("" where a column has none)."""
    columns = [""] * (max((index for index, _value, _formula in cells), default=-1) + 1)
    for index, value, _formula in cells:
        columns[index] = str(value or "")
    return columns


def _workbook_rows(kind: str, name: str, columns: list[str], rows: Iterator[tuple[int, Cells]]) -> Iterator[Row]:
    """The sheet's rows that hold something; a part that cannot be read midway is the workbook's damage."""
    try:
        for number, cells in rows:
            row = _row(name, number, columns, cells)
            if row is not None:
                yield row
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001 - XML, zip, inflate and value errors alike
        raise _damaged(kind.upper(), error) from None


def _row(sheet: str, number: int, columns: list[str], cells: Cells) -> Row | None:
    """A workbook row from the cells that hold something: None when it holds nothing."""
    from openpyxl.utils import get_column_letter

    row = Row(sheet, number, {})
    for index, value, formula in cells:
        column = columns[index] if index < len(columns) else ""
        if formula:
            row.formulas.append(column or get_column_letter(index + 1))
        elif value is None:
            continue
        elif not column:
            row.unnamed.append(get_column_letter(index + 1))
        else:
            row.values[column] = value
    return row if row.values or row.formulas or row.unnamed else None


def _ods_value(cell: Any, officens: str) -> object:
    """A cell's value by its declared type: a number, a date, or its text."""
    from odf import teletype

    kind = cell.attributes.get((officens, "value-type"))
    if kind in ("float", "percentage", "currency"):
        number = float(cell.attributes.get((officens, "value")) or 0)  # ValueError if not a number: damage
        if not math.isfinite(number):
            raise ValueError(f"number {number}")
        return int(number) if number.is_integer() else number
    if kind == "date":
        text = str(cell.attributes.get((officens, "date-value")) or "")
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        return moment.date() if len(text) <= 10 else moment
    if kind == "boolean":
        return cell.attributes.get((officens, "boolean-value")) == "true"
    return _clean(teletype.extractText(cell))


class _Csv(RecordFile):
    """One sheet as CSV: UTF-8, comma-separated, a header row."""

    kind = "csv"

    def __init__(self, stream: IO[bytes], sheet: str) -> None:
        self.stream, self.name = stream, sheet

    def sheets(self) -> list[str]:
        return [self.name]

    def sheet(self, name: str) -> SheetData:
        text = io.TextIOWrapper(self.stream, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error) as error:
            text.detach()
            raise self._refused(error, 1) from None
        columns = [column.strip() for column in header or ()]
        return SheetData(name, columns, self._rows(text, reader, columns))

    def _rows(self, text: io.TextIOWrapper, reader: Any, columns: list[str]) -> Iterator[Row]:
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                row = Row(self.name, number, {})
                for index, cell in enumerate(cells):
                    value = _clean(cell)
                    if value is None:
                        continue
                    if index >= len(columns) or not columns[index]:
                        row.unnamed.append(str(index + 1))
                    elif str(value).startswith("="):
                        row.formulas.append(columns[index])  # a spreadsheet program would evaluate it
                    else:
                        row.values[columns[index]] = value
                if row.values or row.formulas or row.unnamed:
                    yield row
        except (UnicodeDecodeError, csv.Error) as error:
            raise self._refused(error, number + 1) from None
        finally:
            text.detach()  # the upload stays open: a wrapper closes the stream it wraps when it goes

    def _refused(self, error: Exception, number: int) -> FileRefused:
        if isinstance(error, UnicodeDecodeError):
            return FileRefused(
                _("The CSV file is not UTF-8 text (near row %(number)s); save it as UTF-8.") % {"number": number}
            )
        return FileRefused(
            _("The CSV file cannot be read near row %(number)s: %(error)s") % {"number": number, "error": error}
        )


# --- YAML and JSON ------------------------------------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a record has no use for them, and they let a small file expand
    without bound (the "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise FileRefused(_("The YAML file uses an alias (*name); write each value out instead."))
        return super().compose_node(parent, index)


def _yaml(text: str) -> tuple[object, dict[int, int]]:
    """The document and, for each item mapping (by id), the line it starts on."""
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FileRefused(_("The YAML file is empty."))
        lines: dict[int, int] = {}
        data = _construct(loader, node, lines)
    except yaml.YAMLError as error:
        raise FileRefused(_("The file is not valid YAML: %(error)s") % {"error": error}) from None
    except TypeError:  # a list or mapping as a mapping's key
        raise FileRefused(_("The YAML file has a key that is a list or a mapping; a key is a column name.")) from None
    except RecursionError:
        raise FileRefused(_("The YAML file nests lists or mappings too deeply for a record.")) from None
    finally:
        loader.dispose()
    return data, lines


def _construct(loader: yaml.SafeLoader, node: yaml.Node, lines: dict[int, int]) -> object:
    if isinstance(node, yaml.MappingNode):
        value = {loader.construct_object(key, deep=True): _construct(loader, item, lines) for key, item in node.value}
        lines[id(value)] = node.start_mark.line + 1
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, lines) for item in node.value]
    return loader.construct_object(node, deep=True)


class _Document(RecordFile):
    """The YAML or JSON encoding: `format`, `version` and one list per sheet; an agreement may hold its own
    rows (NESTED), which are read as rows of their sheets with the agreement's slug. `lines` maps an item's
    id to the line it starts on (YAML's; JSON gives none)."""

    def __init__(self, data: object, lines: dict[int, int] | None = None, *, kind: str = "json") -> None:
        self.kind = kind
        if not isinstance(data, dict):
            raise FileRefused(_("The file must be a mapping of sheet names to lists of rows (docs/import-format.md)."))
        if data.get("format", FORMAT) != FORMAT:
            raise FileRefused(
                _("The file's format is %(format)r, not %(ours)r.") % {"format": data["format"], "ours": FORMAT}
            )
        if data.get("version", VERSION) != VERSION:
            raise FileRefused(
                _("The file is version %(version)s of the format; this import reads version %(ours)s.")
                % {"version": data["version"], "ours": VERSION}
            )
        self.lines = lines or {}
        self.rows: dict[str, list[Row]] = {}
        for name, items in data.items():
            if name in ("format", "version"):
                continue
            self.rows.setdefault(str(name), [])
            if not isinstance(items, list):
                raise FileRefused(_("%(sheet)s must be a list of rows.") % {"sheet": name})
            for item in items:
                self._add(str(name), item)

    def _add(self, sheet: str, item: object, agreement: str | None = None) -> None:
        rows = self.rows.setdefault(sheet, [])
        number = len(rows) + 1
        if not isinstance(item, dict):
            raise FileRefused(
                _("%(sheet)s, item %(number)s: a row is a mapping of column names to values.")
                % {"sheet": sheet, "number": number}
            )
        values = {str(name): _clean(value) for name, value in item.items()}
        if sheet == "agreements":
            for nested, into in NESTED.items():
                children = values.pop(nested, None) or []
                if not isinstance(children, list):
                    raise FileRefused(_("%(sheet)s must be a list of rows.") % {"sheet": nested})
                for child in children:
                    self._add(into.name, child, agreement=str(values.get("slug") or ""))
        if agreement is not None:
            values = {"agreement": agreement, **values}
        rows.append(
            Row(sheet, number, {k: v for k, v in values.items() if v is not None}, line=self.lines.get(id(item)))
        )

    def sheets(self) -> list[str]:
        return list(self.rows)

    def sheet(self, name: str) -> SheetData:
        rows = self.rows.get(name, [])
        return SheetData(name, None, iter(rows), len(rows))


def _check_about(record: RecordFile) -> None:
    """A workbook's `about` sheet, when present, must name this format and version (FileRefused if not)."""
    if ABOUT_SHEET not in record.sheets():
        return
    data = record.sheet(ABOUT_SHEET)
    pairs = {
        str(data.columns[0] if data.columns else "").lower(): data.columns[1]
        if data.columns and len(data.columns) > 1
        else ""
    }
    for row in data.rows:
        values = list(row.values.values())
        if len(values) >= 2:
            pairs[str(values[0]).lower()] = values[1]
    if str(pairs.get("format", FORMAT)) != FORMAT:
        raise FileRefused(
            _("The workbook's format is %(format)r, not %(ours)r.") % {"format": pairs["format"], "ours": FORMAT}
        )
    if str(pairs.get("version", VERSION)) not in (str(VERSION), f"{VERSION}.0"):
        raise FileRefused(
            _("The workbook is version %(version)s of the format; this import reads version %(ours)s.")
            % {"version": pairs["version"], "ours": VERSION}
        )


def known_sheet(name: str) -> bool:
    return name in BY_NAME or name == ABOUT_SHEET
