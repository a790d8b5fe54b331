"""The Gantt chart of an agreement beside its comparables: each one's phases as bars on one calendar axis,
with the subject's next step estimated as a range; the table beside it lists the same steps."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..durations import ORDER, STEP_LABELS, Comparison, Durations, Estimate
from .axis import WIDTH, DateScale, Tick

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GANTT_LEFT = 180  # the gutter holds the row labels
GANTT_ROW = 34
GANTT_TOP = 28
QUALIFIER = re.compile(r"\s+[A-Z]\w*\s+of\s*$")  # "Status of" before "Visiting Forces Agreement"


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    css: str
    title: str


@dataclass(frozen=True)
class Dot:
    x: float
    css: str
    title: StrOrPromise


@dataclass(frozen=True)
class GanttRow:
    durations: Durations
    label: str
    y: float
    current: bool
    bars: list[Bar]
    dots: list[Dot]

    @property
    def bar_y(self) -> float:
        return self.y - 8

    @property
    def label_y(self) -> float:
        return self.y + 4

    @property
    def step_cells(self) -> list:
        """The row's step in each column of the table (None where not reached)."""
        return [self.durations.steps.get(name) for name in ORDER]


@dataclass(frozen=True)
class EstimateMark:
    estimate: Estimate
    x: float
    width: float
    expected_x: float
    y: float

    @property
    def top(self) -> float:
        return self.y - 11

    @property
    def bottom(self) -> float:
        return self.y + 11


@dataclass
class Gantt:
    rows: list[GanttRow] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    today_x: float | None = None
    estimate: EstimateMark | None = None
    width: int = WIDTH
    left: int = GANTT_LEFT

    @property
    def is_empty(self) -> bool:
        return not any(row.durations.steps for row in self.rows)

    @property
    def axis_y(self) -> float:
        return GANTT_TOP + GANTT_ROW * len(self.rows)

    @property
    def height(self) -> float:
        return self.axis_y + 28

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 18

    @property
    def step_labels(self) -> list:
        return [STEP_LABELS[name] for name in ORDER]


def short_label(durations: Durations) -> str:
    """The title without its type's name: "Japan–Australia" for the Japan–Australia Reciprocal Access Agreement,
    "Japan–Australia (2017)" for the Japan–Australia Acquisition and Cross-Servicing Agreement (2017). A comparison
    mixes types (a family), so a name with a qualifier before it goes with it: "Philippines–Australia" for the
    Philippines–Australia Status of Visiting Forces Agreement. A title without its type's name stays whole."""
    agreement = durations.agreement
    before, name, after = agreement.title.partition(agreement.type.name)
    if not name:
        return agreement.title
    label = " ".join(part for part in (QUALIFIER.sub("", before).strip(), after.strip()) if part)
    return label or agreement.title


def _estimate_span(estimate: Estimate) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The earliest, expected and latest date of an estimate with enough data."""
    earliest_on, expected_on, latest_on = estimate.earliest_on, estimate.expected_on, estimate.latest_on
    assert earliest_on and expected_on and latest_on  # enough data gives all three
    return earliest_on, expected_on, latest_on


def gantt(comparison: Comparison, today: datetime.date) -> Gantt:
    """One row per agreement (the subject first), its phases as bars on a shared calendar axis; an open one's
    current phase runs to today, and the next estimated step of the subject is drawn as its range."""
    agreements = [comparison.subject, *comparison.comparables]
    estimate = next((e for e in comparison.estimates if e.enough_data), None)
    dates = [step.on for durations in agreements for step in durations.steps.values()]
    if not dates:
        return Gantt()
    if estimate:
        dates.append(_estimate_span(estimate)[2])
    scale = DateScale.whole_years(min(dates), max([*dates, today]), GANTT_LEFT, WIDTH - 16)
    x_of = scale.x
    chart = Gantt(ticks=scale.ticks(), today_x=x_of(today))
    for n, durations in enumerate(agreements):
        y = GANTT_TOP + GANTT_ROW * n + GANTT_ROW / 2
        reached = [durations.steps[name] for name in ORDER if name in durations.steps]
        bars = []
        for first, last in zip(reached, reached[1:], strict=False):
            bars.append(
                Bar(
                    x_of(first.on),
                    max(round(x_of(last.on) - x_of(first.on), 1), 2),
                    f"phase-{first.name}",
                    f"{STEP_LABELS[first.name]} → {STEP_LABELS[last.name]}: {(last.on - first.on).days}",
                )
            )
        if reached and durations.is_open and today > reached[-1].on:
            last = reached[-1]
            bars.append(
                Bar(
                    x_of(last.on),
                    round(x_of(today) - x_of(last.on), 1),
                    f"phase-{last.name} ongoing",
                    f"{STEP_LABELS[last.name]} → …: {(today - last.on).days}",
                )
            )
        dots = [
            Dot(x_of(step.on), f"step-{step.name}{' approximate' if step.approximate else ''}", STEP_LABELS[step.name])
            for step in reached
        ]
        chart.rows.append(GanttRow(durations, short_label(durations), y, n == 0, bars, dots))
    if estimate:
        earliest_on, expected_on, latest_on = _estimate_span(estimate)
        x = x_of(earliest_on)
        chart.estimate = EstimateMark(
            estimate, x, max(round(x_of(latest_on) - x, 1), 2), x_of(expected_on), chart.rows[0].y
        )
    return chart
