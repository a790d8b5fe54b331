"""The XLSX reader: rows streamed in constant memory, a sheet's size read only from the file's own word."""

import io
import tracemalloc

from interchange.reading import open_record

HEADER = ["agreement", "title", "due_on", "kind", "status"]


def _workbook(rows: int, *, write_only: bool, gap_after: int | None = None) -> bytes:
    """A milestones sheet of `rows` rows. Write-only workbooks (openpyxl's streaming writer, which our exports
    use) carry no <dimension>; ordinary ones do. `gap_after` leaves a blank row after that many rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    sheet = workbook.create_sheet("milestones")
    sheet.append(HEADER)
    for n in range(rows):
        if gap_after is not None and n == gap_after:
            sheet.append([])
        sheet.append([f"agreement-{n % 50}", "Milestone", "2030-01-01", "other", "planned"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _read(data: bytes) -> tuple[int | None, list[int]]:
    record = open_record("record.xlsx", io.BytesIO(data))
    try:
        sheet = record.sheet("milestones")
        assert sheet.columns == HEADER
        return sheet.total, [row.number for row in sheet.rows]
    finally:
        record.close()


def test_a_sized_workbook_gives_its_row_count_and_an_unsized_one_is_read_without_one() -> None:
    assert _read(_workbook(120, write_only=False)) == (120, list(range(2, 122)))
    assert _read(_workbook(120, write_only=True)) == (None, list(range(2, 122)))


def test_rows_keep_their_numbers_in_the_sheet_across_a_blank_row() -> None:
    _, numbers = _read(_workbook(10, write_only=False, gap_after=4))
    assert numbers == [2, 3, 4, 5, *range(7, 13)]  # row 6 is blank: the next mistake is on row 7, as shown


def _peak_while_reading(data: bytes, rows: int) -> int:
    """The most memory Python held while opening the workbook and reading every row, beyond what the file takes."""
    tracemalloc.start()
    try:
        record = open_record("record.xlsx", io.BytesIO(data))
        assert sum(1 for _row in record.sheet("milestones").rows) == rows
        record.close()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_forty_thousand_rows_takes_no_more_memory_than_four_thousand() -> None:
    """Each finished row is let go, and an unsized sheet is not read through to be measured: openpyxl's own
    read-only mode keeps some eighty bytes per row (three MiB more here), which a million rows make a hundred."""
    small, large = _workbook(4_000, write_only=True), _workbook(40_000, write_only=True)
    _peak_while_reading(small, 4_000)  # imports and caches settle first
    small_peak, large_peak = _peak_while_reading(small, 4_000), _peak_while_reading(large, 40_000)
    assert large_peak < small_peak + 512 * 1024, (small_peak, large_peak)
