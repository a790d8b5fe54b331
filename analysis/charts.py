"""Geometry of the analysis charts, drawn as SVG by the templates (readable without JavaScript, printable).

Each chart comes with the rows of the table that is its text alternative; the templates only place what is
computed here.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from negotiations.choices import Status
from negotiations.timeline import _tick_step
from parties.models import State

from .durations import ORDER, STEP_LABELS, Comparison, Durations, Estimate

WIDTH = 960
Scale = Callable[[datetime.date], float]  # a day's x on the chart


def _x_scale(start: datetime.date, end: datetime.date, left: float, right: float) -> Scale:
    span = (end - start).days or 1

    def x_of(day: datetime.date) -> float:
        return round(left + (right - left) * (day - start).days / span, 1)

    return x_of


def _year_ticks(start: datetime.date, end: datetime.date, x_of: Scale) -> list[tuple[float, str]]:
    step = _tick_step(end.year - start.year)
    return [
        (x_of(datetime.date(year, 1, 1)), str(year))
        for year in range(start.year, end.year + 1)
        if (year - start.year) % step == 0
    ]


# Gantt chart of the comparables' phases ------------------------------------------------------------------

GANTT_LEFT = 180  # the gutter holds the row labels
GANTT_ROW = 34
GANTT_TOP = 28


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
    title: str


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
    ticks: list[tuple[float, str]] = field(default_factory=list)
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
    """The title without its type ("Japan–Australia" for the Japan–Australia Reciprocal Access Agreement)."""
    agreement = durations.agreement
    label = agreement.title.removesuffix(agreement.type.name).strip()
    return label or agreement.title


def gantt(comparison: Comparison, today: datetime.date) -> Gantt:
    """One row per agreement (the subject first), its phases as bars on a shared calendar axis; an open one's
    current phase runs to today, and the next estimated step of the subject is drawn as its range."""
    agreements = [comparison.subject, *comparison.comparables]
    estimate = next((e for e in comparison.estimates if e.enough_data), None)
    dates = [step.on for durations in agreements for step in durations.steps.values()]
    if not dates:
        return Gantt()
    if estimate:
        dates.append(estimate.latest_on)
    start = min(dates).replace(month=1, day=1)
    end = datetime.date(max([*dates, today]).year + 1, 1, 1)
    x_of = _x_scale(start, end, GANTT_LEFT, WIDTH - 16)
    chart = Gantt(ticks=_year_ticks(start, end, x_of), today_x=x_of(today))
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
        x = x_of(estimate.earliest_on)
        chart.estimate = EstimateMark(
            estimate, x, max(round(x_of(estimate.latest_on) - x, 1), 2), x_of(estimate.expected_on), chart.rows[0].y
        )
    return chart


# Agreements in each status over time ----------------------------------------------------------------------

COUNTS_LEFT, COUNTS_RIGHT = 48, 16
COUNTS_TOP, COUNTS_PLOT = 16, 240


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
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
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
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
    label_every = _tick_step(years) if years else 1
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


# A state's partner network ------------------------------------------------------------------------------

NETWORK_SIZE = 400
NETWORK_RADIUS = 140


@dataclass(frozen=True)
class Partner:
    state: State
    agreements: list  # the agreements shared with the centre state
    x: float
    y: float

    @property
    def shared(self) -> int:
        return len(self.agreements)

    @property
    def in_force(self) -> int:
        return sum(1 for agreement in self.agreements if agreement.status == Status.IN_FORCE)

    @property
    def css(self) -> str:
        """The edge is solid when an agreement with this partner is in force, dashed while all are pending."""
        return "edge in-force" if self.in_force else "edge pending"

    @property
    def anchor(self) -> str:
        return "start" if self.x >= NETWORK_SIZE / 2 else "end"


@dataclass
class Network:
    centre: State
    partners: list[Partner]
    size: int = NETWORK_SIZE

    @property
    def middle(self) -> float:
        return self.size / 2


def network(state: State, agreements: list) -> Network:
    """`state` in the middle and every state it shares an agreement with around it (from agreements with
    their participations prefetched, so no query is made here); the edge is as wide as the number of agreements."""
    shared: dict[int, list] = {}
    partners: dict[int, State] = {}
    for agreement in agreements:
        for participation in agreement.participations.all():
            party = participation.state
            if party.pk != state.pk:
                partners[party.pk] = party
                shared.setdefault(party.pk, []).append(agreement)
    ordered = sorted(partners.values(), key=lambda partner: partner.short_name)
    middle = NETWORK_SIZE / 2
    placed = []
    for n, partner in enumerate(ordered):
        angle = 2 * math.pi * n / len(ordered) - math.pi / 2
        placed.append(
            Partner(
                partner,
                sorted(shared[partner.pk], key=lambda agreement: agreement.title),
                round(middle + NETWORK_RADIUS * math.cos(angle), 1),
                round(middle + NETWORK_RADIUS * math.sin(angle), 1),
            )
        )
    return Network(state, placed)
