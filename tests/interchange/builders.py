"""Record files for the tests, built in memory: the same sheets as a workbook (XLSX, ODS), CSV or YAML."""

import csv
import io
import zipfile

import yaml

Sheets = dict[str, list[list[object]]]  # sheet name -> rows, the first the header


def xlsx(sheets: Sheets) -> bytes:
    """A workbook as a spreadsheet program saves it; a text cell starting with '=' is a formula there too."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(sheets: Sheets) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, str) and value.startswith("="):
                    cell = TableCell(formula=f"of:{value}", valuetype="float", value=0)
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def as_yaml(sheets: Sheets) -> bytes:
    """The YAML encoding of the same sheets (flat: one list per sheet)."""
    data: dict[str, object] = {"format": "raa-tracker-interchange", "version": 1}
    for name, rows in sheets.items():
        header, *items = rows
        data[name] = [
            {column: value for column, value in zip(header, item, strict=False) if value not in (None, "")}
            for item in items
        ]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def as_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["" if value is None else value for value in row] for row in rows])
    return out.getvalue().encode()


def zip_bomb(unpacked_megabytes: int) -> bytes:
    """An XLSX-named archive whose one part unpacks to far more than it holds (zeros pack a thousand to one)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        chunk = b"0" * (1 << 20)
        for _ in range(unpacked_megabytes):
            part.write(chunk)
    return out.getvalue()
