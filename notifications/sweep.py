"""The sweep: what is due now becomes notifications, and what is pending is (re)sent.

Deadlines live in the database and are polled every minute; nothing is scheduled far ahead as a Celery ETA.
Every step is safe to run twice or at the same time as another sweep: status events are claimed with a
conditional update, and notifications are unique by key.
"""

import datetime
import functools
import logging
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from negotiations.models import Milestone, StatusEvent
from negotiations.selectors import stale_agreements

from .choices import Channel, Kind, NotificationState
from .models import Notification, Watch
from .services import (
    MAX_LEAD_DAYS,
    candidates_announce,
    enqueue,
    notification_rows,
    report_resolution_announce,
    status_event_announce,
    store_and_enqueue,
    unannounced_articles,
    unannounced_report_resolutions,
    unannounced_status_events,
    watchers_for,
)

log = logging.getLogger(__name__)
OVERDUE_CATCH_UP_DAYS = 7  # an overdue reminder missed during an outage is still sent within a week
BATCH = 1000


@dataclass
class SweepReport:
    status_changes: int = 0
    reminders: int = 0
    reclaimed: int = 0
    queued: int = 0


def run_sweep(now: datetime.datetime | None = None, *, deliver_inline: bool = False) -> SweepReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = SweepReport()
    # Status events whose nudge was lost (broker down, worker killed) are announced here.
    unannounced = unannounced_status_events(BATCH)
    for event_id in unannounced:
        status_event_announce(event_id=event_id)
    report.status_changes = len(unannounced)
    # Resolved error reports whose nudge was lost: their reporters are told here.
    for report_id in unannounced_report_resolutions(BATCH):
        report_resolution_announce(report_id=report_id)
    # Candidate facts from the news whose nudge was lost: the watchers who asked are told here.
    for article_id in unannounced_articles(BATCH):
        candidates_announce(article_id=article_id)
    report.reminders = _milestone_reminders(today)
    report.reclaimed = Notification.objects.filter(
        state=NotificationState.SENDING,
        claimed_at__lt=now - datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS),
    ).update(state=NotificationState.PENDING, next_attempt_at=now)
    # Notices written by this sweep were queued when it committed; only inline delivery must send them here.
    cutoff = max(now, timezone.now()) if deliver_inline else now
    due = list(
        Notification.objects.filter(state=NotificationState.PENDING, digest=False, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    if deliver_inline:
        from .delivery import deliver

        for notification_id in due:
            deliver(notification_id)
        report.queued = len(due)
    else:
        report.queued = enqueue(due)
    return report


def _milestone_reminders(today: datetime.date) -> int:
    """Reminders for open milestones that enter a lead-time window, and for those that became overdue."""
    milestones = list(
        Milestone.objects.open()
        .filter(
            due_on__gte=today - datetime.timedelta(days=OVERDUE_CATCH_UP_DAYS),
            due_on__lte=today + datetime.timedelta(days=MAX_LEAD_DAYS),
        )
        .only("pk", "agreement_id", "due_on")
    )
    watchers = watchers_for({m.agreement_id for m in milestones})
    rows = []
    for milestone in milestones:
        days_left = (milestone.due_on - today).days
        for watcher in watchers.get(milestone.agreement_id, {}).values():
            if days_left < 0:
                if watcher.overdue:
                    key = f"overdue:{milestone.pk}:{milestone.due_on}:{watcher.user_id}"
                    rows += notification_rows(watcher, key, Kind.MILESTONE_OVERDUE, milestone=milestone)
                continue
            windows = [days for days in watcher.lead_days if days >= days_left]
            if windows:
                lead = min(windows)  # the narrowest window it has entered; wider ones have passed
                key = f"due:{milestone.pk}:{milestone.due_on}:{lead}:{watcher.user_id}"
                rows += notification_rows(watcher, key, Kind.MILESTONE_DUE, milestone=milestone, lead_days=lead)
    with transaction.atomic():
        existing = set(Notification.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
        fresh = [row for row in rows if row.key not in existing]
        store_and_enqueue(fresh)
    return len(fresh)


class DigestItem(TypedDict):
    """One status change as a digest's payload lists it (stored as JSON, read by the e-mail templates)."""

    agreement: str
    url: str
    status: str
    effective_on: str


def _digest_item(event: StatusEvent) -> DigestItem:
    return {
        "agreement": event.agreement.title,
        "url": event.agreement.get_absolute_url(),
        "status": event.status,
        "effective_on": event.effective_on.isoformat(),
    }


def run_digest(now: datetime.datetime | None = None) -> int:
    """Bundle each user's status changes held for the digest into one e-mail (once per user and day)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    held = (
        Notification.objects.filter(state=NotificationState.PENDING, digest=True)
        .select_related("event__agreement")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in held:
        by_user.setdefault(notification.user_id, []).append(notification)
    created = []
    for user_id, items in by_user.items():
        payload = {"items": [_digest_item(item.event) for item in items if item.event is not None]}
        with transaction.atomic():
            digest, made = Notification.objects.get_or_create(
                key=f"digest:{user_id}:{today}:email",
                defaults={"user_id": user_id, "channel": Channel.EMAIL, "kind": Kind.DIGEST, "payload": payload},
            )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                state=NotificationState.DIGESTED, sent_at=now
            )
            if made:
                created.append(digest.pk)
                transaction.on_commit(functools.partial(enqueue, [digest.pk]))
    return len(created)


def run_stale_notices(today: datetime.date | None = None) -> int:
    """Tell the watchers who asked (Watch.stale_notices) that an agreement they watch has gone stale: once per
    stale spell, since the notice's key holds the day of the last change or check, which only a new change or
    check moves. Run daily by beat; nothing is read when nobody asked."""
    today = today or timezone.localdate()
    if not Watch.objects.filter(stale_notices=True, user__is_active=True).exists():
        return 0
    stale = dict(stale_agreements(today).values_list("pk", "last_activity_on"))  # type: ignore[misc]  # annotated
    rows = []
    for agreement_id, watchers in watchers_for(stale).items():
        since = stale[agreement_id]
        for watcher in watchers.values():
            if watcher.stale_notices:
                key = f"stale:{agreement_id}:{since}:{watcher.user_id}"
                rows += notification_rows(watcher, key, Kind.AGREEMENT_STALE, agreement_id=agreement_id)
    told = set(Notification.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True))
    rows = [row for row in rows if row.key not in told]
    with transaction.atomic():
        store_and_enqueue(rows)
    return len(rows)
