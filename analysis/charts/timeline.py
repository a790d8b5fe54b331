"""An agreement's timeline: its status events, rounds and milestones on one calendar axis, up to today."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from negotiations.choices import MilestoneStatus
from negotiations.models import Milestone, NegotiationRound, StatusEvent

from .axis import WIDTH, DateScale, Tick

LEFT, RIGHT = 96, 24  # the left gutter holds the row labels
ROWS = {"event": 44, "round": 92, "milestone": 132}
AXIS_Y = 166
HEIGHT = 196


@dataclass(frozen=True)
class Mark:
    kind: str  # event, round or milestone
    x: float
    y: float
    label: str
    date: datetime.date
    css: str = ""
    end_x: float | None = None  # rounds that last several days
    label_y: float = 0.0

    @property
    def bar_width(self) -> float:
        return round((self.end_x or self.x) - self.x, 1)

    @property
    def bar_y(self) -> float:
        return self.y - 7

    @property
    def diamond_points(self) -> str:
        x, y = self.x, self.y
        return f"{x},{y - 8} {x + 8},{y} {x},{y + 8} {x - 8},{y}"

    @property
    def below_y(self) -> float:
        return self.y + 24


@dataclass
class Timeline:
    width: int = WIDTH
    height: int = HEIGHT
    axis_y: int = AXIS_Y
    rows: dict[str, int] = field(default_factory=lambda: dict(ROWS))
    ticks: list[Tick] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    today_x: float | None = None

    @property
    def is_empty(self) -> bool:
        return not self.marks

    @property
    def tick_bottom(self) -> int:
        return self.axis_y + 6

    @property
    def tick_label_y(self) -> int:
        return self.axis_y + 20

    @property
    def row_label_y(self) -> dict[str, int]:
        return {
            "event": self.rows["event"] - 26,
            "round": self.rows["round"] - 14,
            "milestone": self.rows["milestone"] - 14,
        }


def build_timeline(
    history: list[StatusEvent],
    rounds: list[NegotiationRound],
    milestones: list[Milestone],
    today: datetime.date,
    status_label: Callable[[StatusEvent], object] = str,
) -> Timeline:
    """Place every dated item on one axis from the first date to today (or the last planned date)."""
    counting = [e for e in history if e.status and not hasattr(e, "correction")]
    dates = [e.effective_on for e in counting] + [r.starts_on for r in rounds] + [m.due_on for m in milestones]
    dates += [r.ends_on for r in rounds if r.ends_on]
    if not dates:
        return Timeline()
    scale = DateScale.whole_years(min(dates), max([*dates, today]), LEFT, WIDTH - RIGHT)
    x_of = scale.x
    timeline = Timeline(today_x=x_of(today), ticks=scale.ticks())
    for n, event in enumerate(counting):
        timeline.marks.append(
            Mark(
                "event",
                x_of(event.effective_on),
                ROWS["event"],
                str(status_label(event)),
                event.effective_on,
                css=f"status-{event.status}",
                label_y=ROWS["event"] - 14 if n % 2 == 0 else ROWS["event"] + 24,
            )
        )
    for negotiation_round in rounds:
        end_day = negotiation_round.ends_on or negotiation_round.starts_on
        timeline.marks.append(
            Mark(
                "round",
                x_of(negotiation_round.starts_on),
                ROWS["round"],
                str(negotiation_round.number),
                negotiation_round.starts_on,
                end_x=max(x_of(end_day), x_of(negotiation_round.starts_on) + 4),
            )
        )
    for milestone in milestones:
        css = "overdue" if milestone.is_overdue(today) else milestone.status
        if milestone.status == MilestoneStatus.CANCELLED:
            css = "cancelled"
        timeline.marks.append(
            Mark("milestone", x_of(milestone.due_on), ROWS["milestone"], milestone.title, milestone.due_on, css=css)
        )
    return timeline
