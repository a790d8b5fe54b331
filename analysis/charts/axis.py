"""The one calendar axis of the charts: where a day falls on the x axis and which years are labelled.

The agreement timeline and the Gantt chart draw on a `DateScale`; the status chart, whose columns are periods
rather than days, labels its years with the same `year_step`.
"""

import datetime
from dataclasses import dataclass
from typing import Self

WIDTH = 960  # every chart is drawn in a box this wide and scaled by the browser
Tick = tuple[float, str]  # x position and label


def year_step(years: int) -> int:
    """Years between labelled ticks: the smallest round step that keeps about a dozen labels on an axis."""
    for step in (1, 2, 5, 10, 20, 50):
        if years / step <= 12:
            return step
    return 100


@dataclass(frozen=True)
class DateScale:
    """Days from `start` to `end` spread evenly over the x positions `left` to `right` (rounded to 0.1)."""

    start: datetime.date
    end: datetime.date
    left: float
    right: float

    @classmethod
    def whole_years(cls, earliest: datetime.date, latest: datetime.date, left: float, right: float) -> Self:
        """From the first of January of `earliest` to the first of January after `latest`, so the axis begins
        and ends on a labelled year."""
        return cls(earliest.replace(month=1, day=1), datetime.date(latest.year + 1, 1, 1), left, right)

    @property
    def span_days(self) -> int:
        """Days from start to end; at least one, so a scale of a single day still has a width."""
        return (self.end - self.start).days or 1

    def x(self, day: datetime.date) -> float:
        return round(self.left + (self.right - self.left) * (day - self.start).days / self.span_days, 1)

    def ticks(self) -> list[Tick]:
        """A tick on the first of January of every `year_step`-th year within the scale, counted from the first."""
        first = self.start.year if (self.start.month, self.start.day) == (1, 1) else self.start.year + 1
        step = year_step(self.end.year - self.start.year)
        return [(self.x(datetime.date(year, 1, 1)), str(year)) for year in range(first, self.end.year + 1, step)]
