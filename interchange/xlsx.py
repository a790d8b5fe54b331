"""Streaming an XLSX worksheet's rows in constant memory, on openpyxl's parts.

openpyxl's read-only mode is nearly what an import needs, but not at a million rows: opening a workbook
measures each sheet, and a sheet without a <dimension> element (openpyxl's own write-only files, so our
exports) is then parsed to its end before the first row is read (a minute and a hundred MiB for the world's
workbook); and its row parser clears each finished row but leaves it attached to the sheet's element, some
eighty bytes a row. Here a sheet's size is read from its <dimension> alone, and a finished row is detached.
The workbook's shared strings, date formats and cell parsing stay openpyxl's (pinned in requirements.txt).
"""

from collections.abc import Iterator
from typing import IO, Any

from openpyxl.reader import excel
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet import _read_only, _reader
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG, ROW_TAG
from openpyxl.xml.functions import iterparse

# openpyxl's private parts, which its type stubs do not describe: Any here.
ReadOnlyWorksheet: Any = _read_only.ReadOnlyWorksheet
WorkSheetParser: Any = _reader.WorkSheetParser
ExcelReader: Any = excel.ExcelReader


class StreamedSheet(ReadOnlyWorksheet):
    """A read-only worksheet that is measured from its <dimension> element only, never by reading it."""

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    try:
                        bounds = range_boundaries(element.get("ref", ""))
                    except (TypeError, ValueError):
                        return  # an unreadable size is no size: the rows are still read
                    min_column, min_row, max_column, max_row = bounds
                    if None not in bounds:
                        self._min_column, self._min_row = min_column, min_row
                        self._max_column, self._max_row = max_column, max_row
                    return
                if element.tag == DATA_TAG:
                    return  # the rows begin and no size came first

    def cell_rows(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(row number, its cells as openpyxl parses them: column, value, data_type), one row at a time."""
        with self._get_source() as source:
            parser = _RowParser(
                source,
                self._shared_strings,
                data_only=self.parent.data_only,
                epoch=self.parent.epoch,
                date_formats=self.parent._date_formats,
                timedelta_formats=self.parent._timedelta_formats,
            )
            yield from parser.rows()


class _RowParser(WorkSheetParser):
    def rows(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """The sheet's rows and nothing else (an import reads no column widths, views or formatting)."""
        sheet_data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    sheet_data = element
                continue
            if element.tag == ROW_TAG:
                number, cells = self.parse_row(element)
                element.clear()
                if sheet_data is not None:
                    sheet_data.remove(element)  # the finished row is the first child left: no search
                self.row_dimensions.clear()  # a row's height and style, kept per row otherwise
                yield number, cells


class _StreamingReader(ExcelReader):
    def read_worksheets(self) -> None:
        """Only the worksheets, as StreamedSheets (an import has no use for chart sheets)."""
        for sheet, relation in self.parser.find_sheets():
            if relation.target not in self.valid_files or "chartsheet" in relation.Type:
                continue
            worksheet = StreamedSheet(self.wb, sheet.name, relation.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def open_workbook(stream: IO[bytes]) -> Workbook:
    """The workbook, read-only, formulas kept as formulas (data_only=False: reported, never evaluated)."""
    reader = _StreamingReader(stream, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    reader.read()
    workbook: Workbook = reader.wb
    return workbook
