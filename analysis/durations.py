"""How long negotiations take, computed from the dated event log (never stored), and what the
comparable agreements suggest for an open one.

A negotiation's *steps* are the first events that count (not corrected, not retractions) reaching
each stage: talks agreed or launched, agreement in principle, signature, entry into force. A *phase*
is the time between two steps. Dates known only to the month or year make a phase approximate.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from negotiations.choices import DatePrecision, Status
from negotiations.lifecycle import CLOSED
from negotiations.models import Agreement, AgreementType
from negotiations.selectors import counting_events

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Each step and the statuses that reach it (the first such event counts).
STEPS: dict[str, frozenset[Status]] = {
    "talks": frozenset({Status.TALKS_AGREED, Status.NEGOTIATING}),
    "agreed_in_principle": frozenset({Status.AGREED_IN_PRINCIPLE}),
    "signed": frozenset({Status.SIGNED}),
    "in_force": frozenset({Status.IN_FORCE}),
}
ORDER = list(STEPS)
STEP_LABELS = {
    "talks": _("talks"),
    "agreed_in_principle": _("agreement in principle"),
    "signed": _("signature"),
    "in_force": _("entry into force"),
}
PHASES = [
    ("talks", "agreed_in_principle"),
    ("agreed_in_principle", "signed"),
    ("signed", "in_force"),
    ("talks", "signed"),
    ("talks", "in_force"),
]
MINIMUM_COMPARABLES = 2


@dataclass(frozen=True)
class Step:
    name: str
    on: datetime.date
    precision: str

    @property
    def approximate(self) -> bool:
        return self.precision != DatePrecision.DAY


@dataclass(frozen=True)
class Phase:
    start: str
    end: str
    days: int | None  # None while either step is missing
    approximate: bool

    @property
    def label(self) -> str:
        return f"{STEP_LABELS[self.start]} → {STEP_LABELS[self.end]}"


@dataclass(frozen=True)
class Durations:
    agreement: Agreement
    steps: dict[str, Step]
    phases: list[Phase]
    is_open: bool
    elapsed_days: int | None  # for an open negotiation: days since its talks began

    @property
    def last_step(self) -> str | None:
        reached = [name for name in ORDER if name in self.steps]
        return reached[-1] if reached else None


def with_counting_events(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return agreements.prefetch_related(Prefetch("events", queryset=counting_events(), to_attr="counting_events"))


def durations(agreement: Agreement, today: datetime.date) -> Durations:
    """The steps and phases of `agreement`, from its counting events (prefetched by with_counting_events)."""
    events = getattr(agreement, "counting_events", None)
    if events is None:
        events = counting_events().filter(agreement=agreement)
    steps: dict[str, Step] = {}
    for event in events:
        for name, statuses in STEPS.items():
            if event.status in statuses and name not in steps:
                steps[name] = Step(name, event.effective_on, event.date_precision)
    phases = []
    for start, end in PHASES:
        first, last = steps.get(start), steps.get(end)
        if first is not None and last is not None:
            phases.append(Phase(start, end, (last.on - first.on).days, first.approximate or last.approximate))
        else:
            phases.append(Phase(start, end, None, False))
    is_open = agreement.status not in CLOSED
    talks = steps.get("talks")
    elapsed = (today - talks.on).days if is_open and talks else None
    return Durations(agreement, steps, phases, is_open, elapsed)


def comparables(agreement: Agreement) -> QuerySet[Agreement]:
    """The agreements `agreement` is compared with (one query, whatever the type is).

    A type with a family is compared with every agreement whose type is of that family, whatever their parties:
    France–Japan's RAA with Japan's other RAAs and with the visiting-forces agreements of the Philippines and
    others. A type without one is compared with the agreements of the same type that share a party with it.
    """
    family = AgreementType.objects.filter(pk=agreement.type_id).exclude(family="").order_by().values("family")
    same_family = Q(type__family=Subquery(family))  # never true for a type without a family (NULL)
    same_type_sharing_a_party = Q(
        type_id=agreement.type_id, participations__state__in=agreement.participations.values("state")
    )
    return (
        Agreement.objects.filter(same_family | same_type_sharing_a_party)
        .select_related("type")
        .exclude(pk=agreement.pk)
        .distinct()
        .order_by("title")
    )


@dataclass(frozen=True)
class Estimate:
    """When `step` may come, from the comparables' time from `since` to `step`: an estimate, not a record."""

    step: str
    since: str
    since_on: datetime.date
    today: datetime.date
    basis: list[tuple[Agreement, int]] = field(default_factory=list)
    # Each step rests on the comparables that reached it, so a later step's median can fall before an
    # earlier one's; it is shown, not smoothed away, and flagged.
    before_earlier_step: bool = False

    @property
    def label(self) -> StrOrPromise:
        return STEP_LABELS[self.step]

    @property
    def since_label(self) -> StrOrPromise:
        return STEP_LABELS[self.since]

    @property
    def enough_data(self) -> bool:
        return len(self.basis) >= MINIMUM_COMPARABLES

    def _days(self, pick: Callable[[Sequence[int]], float]) -> int | None:
        return round(pick([days for _agreement, days in self.basis])) if self.enough_data else None

    @property
    def median_days(self) -> int | None:
        return self._days(statistics.median)

    @property
    def shortest_days(self) -> int | None:
        return self._days(min)

    @property
    def longest_days(self) -> int | None:
        return self._days(max)

    def _on(self, days: int | None) -> datetime.date | None:
        return None if days is None else self.since_on + datetime.timedelta(days=days)

    @property
    def expected_on(self) -> datetime.date | None:
        return self._on(self.median_days)

    @property
    def earliest_on(self) -> datetime.date | None:
        return self._on(self.shortest_days)

    @property
    def latest_on(self) -> datetime.date | None:
        return self._on(self.longest_days)

    @property
    def median_passed(self) -> bool:
        """Today is past the median: this negotiation is already slower than half the comparables."""
        expected_on = self.expected_on
        return expected_on is not None and expected_on < self.today

    @property
    def range_passed(self) -> bool:
        """Today is past the whole range: slower than every comparable, so the estimate no longer holds."""
        latest_on = self.latest_on
        return latest_on is not None and latest_on < self.today


def forecast(subject: Durations, others: list[Durations], today: datetime.date) -> list[Estimate]:
    """For each step an open negotiation has still to reach: the comparables' time from its last step
    to that one (median and range), applied to its own date. Nothing for closed or unstarted ones."""
    since = subject.last_step
    if not subject.is_open or since is None:
        return []
    estimates = []
    latest_expected: datetime.date | None = None
    for step in ORDER[ORDER.index(since) + 1 :]:
        basis = []
        for other in others:
            first, last = other.steps.get(since), other.steps.get(step)
            if first and last:
                basis.append((other.agreement, (last.on - first.on).days))
        estimate = Estimate(step, since, subject.steps[since].on, today, basis)
        expected_on = estimate.expected_on  # None without enough data
        if expected_on is not None:
            if latest_expected and expected_on < latest_expected:
                estimate = replace(estimate, before_earlier_step=True)
            latest_expected = max(filter(None, [latest_expected, expected_on]))
        estimates.append(estimate)
    return estimates


@dataclass(frozen=True)
class Comparison:
    subject: Durations
    comparables: list[Durations]
    estimates: list[Estimate]

    @property
    def family(self) -> str:
        """The family of the subject's type ("" for none), which decided how comparables() chose."""
        return self.subject.agreement.type.family

    @property
    def basis(self) -> str:
        """How the comparables were chosen, in words (the page and the API name it beside the forecast)."""
        agreement_type = self.subject.agreement.type
        if agreement_type.family:
            codes = sorted({agreement_type.code, *(other.agreement.type.code for other in self.comparables)})
            return gettext(
                "Compared with every agreement whose type is of the same family (%(family)s: %(types)s), "
                "whatever its parties."
            ) % {"family": agreement_type.family, "types": ", ".join(codes)}
        return gettext("Compared with the agreements of the same type (%(type)s) that share a party with it.") % {
            "type": agreement_type.code
        }


def compare(agreement: Agreement, today: datetime.date) -> Comparison:
    """The agreement's durations beside its comparables', and the forecast they support (3 queries; the
    comparison's family and basis read the agreement's type, which callers select with it)."""
    others = [durations(other, today) for other in with_counting_events(comparables(agreement))]
    subject = durations(agreement, today)
    return Comparison(subject, others, forecast(subject, others, today))
