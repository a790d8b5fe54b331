"""A large synthetic world for benchmarks: states, agreements with lifecycle-valid histories, rounds,
milestones, users and watches — reproducible from a seed and loaded in batches (bounded memory).

Sizes per scale (`BENCH_SCALE` or --agreements):

| scale | agreements | events | rounds | milestones | users | watches |
| --- | --- | --- | --- | --- | --- | --- |
| full | 20,000 | 1,000,000 | 100,000 | 500,000 | 10,000 | 200,000 |
| small | 400 | 20,000 | 2,000 | 10,000 | 200 | 4,000 |
"""

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from negotiations import lifecycle
from negotiations.choices import MilestoneKind, MilestoneStatus, Status
from negotiations.models import Agreement, AgreementType, Milestone, NegotiationRound, Participation, StatusEvent
from notifications.models import Watch
from parties.models import State

EVENTS_PER_AGREEMENT = 50
ROUNDS_PER_AGREEMENT = 5
MILESTONES_PER_AGREEMENT = 25
USERS_PER_AGREEMENT = 0.5
WATCHES_PER_USER = 20
BATCH = 200  # agreements written per transaction
SCALES = {"small": 400, "full": 20_000}
PREFIX = "world-"


@dataclass
class WorldReport:
    agreements: int = 0
    participations: int = 0
    events: int = 0
    rounds: int = 0
    milestones: int = 0
    users: int = 0
    watches: int = 0
    seconds: float = 0.0


def _history(rng: random.Random, start: datetime.date, today: datetime.date) -> list[tuple[Status, datetime.date]]:
    """A lifecycle-valid history of EVENTS_PER_AGREEMENT events: opening, suspensions and resumptions, an end."""
    opening = [Status.PROPOSED, Status.TALKS_AGREED, Status.NEGOTIATING]
    ending = rng.choice(
        [
            [],
            [Status.AGREED_IN_PRINCIPLE],
            [Status.AGREED_IN_PRINCIPLE, Status.SIGNED],
            [Status.AGREED_IN_PRINCIPLE, Status.SIGNED, Status.IN_FORCE],
            [Status.ABANDONED],
        ]
    )
    if (EVENTS_PER_AGREEMENT - len(opening) - len(ending)) % 2:
        opening = opening[1:]  # start at "talks agreed", so that suspensions and resumptions fill the rest in pairs
    pauses = (EVENTS_PER_AGREEMENT - len(opening) - len(ending)) // 2
    statuses = opening + [Status.SUSPENDED, Status.NEGOTIATING] * pauses + ending
    span = max((today - start).days, len(statuses))
    offsets = sorted(rng.sample(range(span), len(statuses)))
    history = [
        (status, start + datetime.timedelta(days=offset)) for status, offset in zip(statuses, offsets, strict=True)
    ]
    lifecycle.replay(lifecycle.Step(status, day) for status, day in history)  # refuses an invalid history
    return history


def generate_world(*, agreements: int, seed: int = 1, report: Callable[[str], None] = lambda line: None) -> WorldReport:
    """Write the world; states and agreement types must exist (`seed`). Rows carry the prefix 'world-'."""
    rng = random.Random(seed)
    started = time.monotonic()
    today = datetime.date.today()
    result = WorldReport()
    states = list(State.objects.order_by("alpha3").values_list("pk", flat=True))
    types = list(AgreementType.objects.order_by("code").values_list("pk", flat=True))
    if not states or not types:
        raise RuntimeError("Run `python manage.py seed` first: the world uses its states and agreement types.")
    agreement_ids: list[int] = []
    for first in range(0, agreements, BATCH):
        count = min(BATCH, agreements - first)
        with transaction.atomic():
            agreement_ids += _write_batch(rng, first, count, states, types, today, result)
        report(
            f"agreements {first + count:,}/{agreements:,} · events {result.events:,} · "
            f"milestones {result.milestones:,} · {time.monotonic() - started:.0f} s"
        )
    _write_users_and_watches(rng, agreements, agreement_ids, states, result, report, started)
    if connection.vendor == "postgresql":
        report("  analysing the tables (planner statistics for the new rows)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result.seconds = time.monotonic() - started
    return result


def _write_batch(
    rng: random.Random,
    first: int,
    count: int,
    states: list[int],
    types: list[int],
    today: datetime.date,
    result: WorldReport,
) -> list[int]:
    rows, histories = [], []
    announced = timezone.now()
    for n in range(first, first + count):
        start = today - datetime.timedelta(days=rng.randint(400, 6000))
        history = _history(rng, start, today)
        position = lifecycle.replay(lifecycle.Step(s, d) for s, d in history)
        scheduled = None
        if position.status == Status.SIGNED:
            scheduled = today + datetime.timedelta(days=rng.randint(-3, 60))
        rows.append(
            Agreement(
                title=f"Synthetic agreement {n:06d}",
                slug=f"{PREFIX}{n:06d}",
                type_id=rng.choice(types),
                summary=f"Generated for benchmarks (seed world, number {n}).",
                status=position.status,
                status_since=history[-1][1],
                started_on=history[0][1],
                entry_into_force_scheduled_on=scheduled,
            )
        )
        histories.append((history, start))
    created = Agreement.objects.bulk_create(rows)
    participations, events, rounds, milestones = [], [], [], []
    for agreement, (history, start) in zip(created, histories, strict=True):
        for state_id in rng.sample(states, rng.randint(2, 6)):
            participations.append(Participation(agreement_id=agreement.pk, state_id=state_id))
        for status, day in history:
            # Generated history is past news: marked announced, so that the sweep has no million events to tell.
            events.append(
                StatusEvent(
                    agreement_id=agreement.pk, status=status, effective_on=day, note="generated", processed_at=announced
                )
            )
        for number in range(1, ROUNDS_PER_AGREEMENT + 1):
            begins = start + datetime.timedelta(days=30 * number + rng.randint(0, 20))
            rounds.append(
                NegotiationRound(
                    agreement_id=agreement.pk,
                    number=number,
                    starts_on=begins,
                    ends_on=begins + datetime.timedelta(days=rng.randint(0, 3)),
                )
            )
        for m in range(MILESTONES_PER_AGREEMENT):
            due = today + datetime.timedelta(days=rng.randint(-700, 400))
            done = due < today and rng.random() < 0.8
            milestones.append(
                Milestone(
                    agreement_id=agreement.pk,
                    kind=rng.choice(MilestoneKind.values),
                    title=f"Milestone {m} of {agreement.slug}",
                    due_on=due,
                    status=MilestoneStatus.DONE if done else MilestoneStatus.PLANNED,
                    completed_on=due if done else None,
                )
            )
    Participation.objects.bulk_create(participations, batch_size=5000)
    StatusEvent.objects.bulk_create(events, batch_size=5000)
    NegotiationRound.objects.bulk_create(rounds, batch_size=5000)
    Milestone.objects.bulk_create(milestones, batch_size=5000)
    result.agreements += len(created)
    result.participations += len(participations)
    result.events += len(events)
    result.rounds += len(rounds)
    result.milestones += len(milestones)
    return [agreement.pk for agreement in created]


def _write_users_and_watches(
    rng: random.Random,
    agreements: int,
    agreement_ids: list[int],
    states: list[int],
    result: WorldReport,
    report: Callable[[str], None],
    started: float,
) -> None:
    user_model = get_user_model()
    password = make_password(None)  # unusable: nobody signs in as a generated user
    count = max(1, int(agreements * USERS_PER_AGREEMENT))
    for first in range(0, count, 1000):
        with transaction.atomic():
            users = user_model.objects.bulk_create(
                user_model(
                    username=f"{PREFIX}user-{n:06d}", email=f"{PREFIX}user-{n:06d}@example.org", password=password
                )
                for n in range(first, min(first + 1000, count))
            )
            watches = []
            for user in users:
                if rng.random() < 0.01:
                    watches.append(Watch(user=user, everything=True))
                    continue
                watches.append(Watch(user=user, state_id=rng.choice(states)))
                for agreement_id in rng.sample(agreement_ids, min(WATCHES_PER_USER - 1, len(agreement_ids))):
                    watches.append(Watch(user=user, agreement_id=agreement_id))
            Watch.objects.bulk_create(watches, batch_size=5000)
        result.users += len(users)
        result.watches += len(watches)
        report(f"users {result.users:,}/{count:,} · watches {result.watches:,} · {time.monotonic() - started:.0f} s")
