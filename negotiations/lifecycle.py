"""The status lifecycle of DOMAIN.md, as pure functions over statuses.

Every path that changes a status (admin, forms, API, commands, workers) goes
through `services.agreement_transition`, which replays the event log with
`replay()` below; nothing else decides whether a move is allowed.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from raa_tracker.errors import ConflictError

from .choices import Status

FORWARD = [
    Status.PROPOSED,
    Status.TALKS_AGREED,
    Status.NEGOTIATING,
    Status.AGREED_IN_PRINCIPLE,
    Status.SIGNED,
    Status.IN_FORCE,
    Status.TERMINATED,
]
# The groupings of statuses that the rest of the code asks about, defined here only.
SUSPENDABLE = frozenset({Status.TALKS_AGREED, Status.NEGOTIATING, Status.AGREED_IN_PRINCIPLE, Status.IN_FORCE})
BEFORE_SIGNATURE = frozenset({Status.PROPOSED, Status.TALKS_AGREED, Status.NEGOTIATING, Status.AGREED_IN_PRINCIPLE})
FINAL = frozenset({Status.ABANDONED, Status.TERMINATED})
# Still being negotiated (suspended talks included): the overview's "in progress".
IN_PROGRESS = BEFORE_SIGNATURE | {Status.SUSPENDED}
# No further step is expected of the negotiation: its phases are all measured (analysis' durations).
CLOSED = FINAL | {Status.IN_FORCE}


@dataclass(frozen=True)
class Position:
    """Where an agreement stands: its status and, while suspended, the status it will resume."""

    status: Status | None = None
    held: Status | None = None


def allowed_next(position: Position) -> list[Status]:
    """The statuses an agreement may move to next, in lifecycle order."""
    current = position.status
    if current is None:
        # The first record may start anywhere short of the end: records are often entered after the fact.
        return [s for s in FORWARD if s != Status.TERMINATED]
    if current in FINAL:
        return []
    if current == Status.SUSPENDED:
        assert position.held is not None  # advance() suspends only an agreement that has a status
        moves = [position.held]
        if position.held in BEFORE_SIGNATURE:
            moves.append(Status.ABANDONED)
        if position.held == Status.IN_FORCE:
            moves.append(Status.TERMINATED)  # an agreement whose operation is suspended may still be ended
        return moves
    moves = [s for s in FORWARD[FORWARD.index(current) + 1 :] if s != Status.TERMINATED or current == Status.IN_FORCE]
    if current in SUSPENDABLE:
        moves.append(Status.SUSPENDED)
    if current in BEFORE_SIGNATURE:
        moves.append(Status.ABANDONED)
    return sorted(moves, key=list(Status).index)


def advance(position: Position, status: Status) -> Position:
    """The position after moving to `status`; raises TransitionRefused when the move is not allowed."""
    if status not in allowed_next(position):
        raise TransitionRefused(position, status)
    if status == Status.SUSPENDED:
        return Position(Status.SUSPENDED, held=position.status)
    return Position(status)


@dataclass(frozen=True)
class Step:
    status: Status
    effective_on: datetime.date


def replay(steps: Iterable[Step]) -> Position:
    """Apply the steps in order from an empty record; the first refused one raises with its date."""
    position = Position()
    for step in steps:
        try:
            position = advance(position, Status(step.status))
        except TransitionRefused as refused:
            refused.effective_on = step.effective_on
            raise
    return position


class TransitionRefused(ConflictError):
    """A status move the lifecycle does not allow. Carries what the caller needs to explain it:
    the status at that point, the move attempted, and the moves that were allowed."""

    problem_type = "transition-refused"

    def __init__(
        self,
        position: Position,
        status: Status,
        effective_on: datetime.date | None = None,
        reason: str | None = None,
    ) -> None:
        self.position = position
        self.current = position.status
        self.attempted = Status(status)
        self.allowed = allowed_next(position)
        self.effective_on = effective_on
        self.reason = reason or self.describe()
        super().__init__({"status": [self.reason]}, code="transition_refused")

    @property
    def detail(self) -> str:
        return self.reason

    def problem_members(self) -> dict[str, Any]:
        return {
            "current_status": self.current.value if self.current else None,
            "attempted_status": self.attempted.value,
            "allowed_next": [s.value for s in self.allowed],
            "errors": {"status": [self.reason]},
        }

    def describe(self) -> str:
        allowed = ", ".join(s.value for s in self.allowed) or _("none (final status)")
        current = self.current.value if self.current else _("no status yet")
        return _("Cannot move from %(current)s to %(attempted)s. Allowed next: %(allowed)s.") % {
            "current": current,
            "attempted": self.attempted.value,
            "allowed": allowed,
        }
