"""Agreements in each status over time: stacked columns, one per period, in lifecycle order.

Its columns are periods rather than days, so it labels its years with the axis's `year_step` instead of a
`DateScale`."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from negotiations.choices import Status

from .axis import WIDTH, Tick, year_step

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COUNTS_LEFT, COUNTS_RIGHT = 48, 16
COUNTS_TOP, COUNTS_PLOT = 16, 240


@dataclass(frozen=True)
class Segment:
    status: str
    label: StrOrPromise
    y: float
    height: float
    count: int


@dataclass(frozen=True)
class Column:
    label: str
    on: datetime.date
    x: float
    width: float
    total: int
    segments: list[Segment]


@dataclass
class StatusChart:
    columns: list[Column] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    table: list[dict] = field(default_factory=list)  # the periods in which a count changed
    statuses: list[Status] = field(default_factory=list)
    width: int = WIDTH
    left: int = COUNTS_LEFT
    right: int = WIDTH - COUNTS_RIGHT
    top: int = COUNTS_TOP
    axis_y: int = COUNTS_TOP + COUNTS_PLOT

    @property
    def height(self) -> int:
        return self.axis_y + 30

    @property
    def tick_label_y(self) -> int:
        return self.axis_y + 20

    @property
    def is_empty(self) -> bool:
        return not any(column.total for column in self.columns)


def _count_step(largest: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000):
        if largest / step <= 6:
            return step
    return 10 ** len(str(largest))


def status_chart(periods: list[dict], interval: str) -> StatusChart:
    """Stacked columns, one per period, in lifecycle order; the table keeps only the periods that changed."""
    statuses = [status for status in Status if any(period["counts"][status.value] for period in periods)]
    chart = StatusChart(statuses=statuses)
    if not periods:
        return chart
    largest = max(sum(period["counts"].values()) for period in periods) or 1
    step = _count_step(largest)
    top_count = math.ceil(largest / step) * step
    scale = COUNTS_PLOT / top_count
    chart.y_ticks = [(round(chart.axis_y - count * scale, 1), count) for count in range(0, top_count + 1, step)]
    slot = (chart.right - chart.left) / len(periods)
    gap = min(2.0, slot / 4)
    years = periods[-1]["on"].year - periods[0]["on"].year
    label_every = year_step(years) if years else 1
    previous = None
    for n, period in enumerate(periods):
        x = round(chart.left + slot * n, 1)
        base = chart.axis_y
        segments = []
        for status in statuses:
            count = period["counts"][status.value]
            if count:
                height = round(count * scale, 1)
                base = round(base - height, 1)
                segments.append(Segment(status.value, status.label, base, height, count))
        total = sum(period["counts"].values())
        chart.columns.append(Column(period["period"], period["on"], x, round(slot - gap, 1), total, segments))
        on = period["on"]
        first_of_year = interval == "year" or on.month == 1 or n == 0
        if first_of_year and (on.year - periods[0]["on"].year) % label_every == 0:
            label = str(on.year) if interval == "year" or on.month == 1 else period["period"]
            if not chart.x_ticks or x - chart.x_ticks[-1][0] > 40:
                chart.x_ticks.append((x, label))
        counts = tuple(period["counts"][status.value] for status in statuses)
        if counts != previous or n == len(periods) - 1:
            chart.table.append({"period": period["period"], "on": on, "counts": counts, "total": total})
            previous = counts
    return chart
