"""Progress on the command line for long imports and exports: a line that counts rows as they go (rewritten in
place on a terminal, printed every few thousand rows otherwise), then the totals."""

import time

from django.core.management.base import OutputWrapper

from .importer import RowResult


class RowCounter:
    EVERY = 5000  # rows between printed lines when the output is not a terminal

    def __init__(self, out: OutputWrapper, *, interactive: bool) -> None:
        self.out, self.interactive = out, interactive
        self.rows = 0
        self.sheet = ""
        self.sheet_rows = 0
        self.started = time.monotonic()
        self.shown = False

    def count(self, result: RowResult) -> None:
        if result.sheet != self.sheet:
            self.clear()
            self.sheet, self.sheet_rows = result.sheet, 0
        self.rows += 1
        self.sheet_rows += 1
        if self.interactive and (self.sheet_rows % 100 == 0 or self.sheet_rows == 1):
            self.out.write(f"\r  {self._line()}", ending="")
            self.out.flush()
            self.shown = True
        elif not self.interactive and self.rows % self.EVERY == 0:
            self.out.write(f"  {self._line()}")

    def _line(self) -> str:
        rate = self.rows / max(time.monotonic() - self.started, 1e-6)
        width = min(self.sheet_rows // 500, 30)
        bar = "█" * width + "░" * (30 - width)
        return f"{self.sheet:<16} {bar} {self.sheet_rows:>9,} rows  ({self.rows:,} in all, {rate:,.0f}/s)"

    def clear(self) -> None:
        if self.shown:
            self.out.write("\r" + " " * 100 + "\r", ending="")
            self.shown = False

    def done(self) -> None:
        self.clear()
        elapsed = time.monotonic() - self.started
        self.out.write(f"  {self.rows:,} rows read in {elapsed:.1f} s")
