"""Progress on the command line for long imports and exports: a bar per sheet (rewritten in place on a
terminal; a counted line every few thousand rows otherwise), then the totals."""

import time

from django.core.management.base import OutputWrapper

from .importer import RowResult

WIDTH = 30


class RowCounter:
    EVERY = 5000  # rows between printed lines when the output is not a terminal

    def __init__(self, out: OutputWrapper, *, interactive: bool) -> None:
        self.out, self.interactive = out, interactive
        self.rows = 0
        self.sheet = ""
        self.sheet_rows = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self.shown = False

    def start(self, sheet: str, total: int | None) -> None:
        """A new sheet begins, with as many rows as the file says (None: unknown)."""
        self.clear()
        self.sheet, self.sheet_rows, self.total = sheet, 0, total

    def count(self, result: RowResult) -> None:
        if result.sheet != self.sheet:
            self.start(result.sheet, None)
        self.rows += 1
        self.sheet_rows += 1
        finished = self.total is not None and self.sheet_rows == self.total
        if self.interactive and (self.sheet_rows % 100 == 0 or self.sheet_rows == 1 or finished):
            self.out.write(f"\r  {self.line()}", ending="")
            self.out.flush()
            self.shown = True
        elif not self.interactive and (self.rows % self.EVERY == 0 or finished):
            self.out.write(f"  {self.line()}")

    def line(self) -> str:
        rate = self.rows / max(time.monotonic() - self.started, 1e-6)
        if self.total:
            filled = min(WIDTH * self.sheet_rows // self.total, WIDTH)
            bar = "█" * filled + "░" * (WIDTH - filled)
            done = f"{self.sheet_rows:>9,}/{self.total:,} rows"
        else:
            bar, done = "", f"{self.sheet_rows:>9,} rows"
        return f"{self.sheet:<16} {bar} {done}  ({self.rows:,} in all, {rate:,.0f}/s)"

    def clear(self) -> None:
        if self.shown:
            self.out.write("\r" + " " * 110 + "\r", ending="")
            self.shown = False

    def done(self) -> None:
        self.clear()
        elapsed = time.monotonic() - self.started
        self.out.write(f"  {self.rows:,} rows read in {elapsed:.1f} s")
