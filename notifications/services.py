"""Writes of the notifications app: watches, webhook endpoints, the outbox, and private calendar URLs."""

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Candidate
from negotiations.choices import ReportStatus
from negotiations.models import Agreement, ErrorReport, Participation, StatusEvent
from parties.models import State
from raa_tracker.services import locked_for_write

from .choices import Channel, Kind, NotificationState, StatusChangeDelivery
from .models import CalendarFeed, Notification, Watch, WebhookEndpoint
from .signing import new_secret, valid_secret
from .urls_safety import check_webhook_url

log = logging.getLogger(__name__)
MAX_LEAD_DAYS = 90


@dataclass
class Watcher:
    """What one user wants to hear about one agreement, merged over all their watches that cover it."""

    user_id: int
    email: bool = False
    webhook_ids: set[int] = field(default_factory=set)
    lead_days: set[int] = field(default_factory=set)
    overdue: bool = False
    status_changes: str = StatusChangeDelivery.OFF
    stale_notices: bool = False
    candidates: bool = False

    def add(self, watch: Watch) -> None:
        self.stale_notices |= watch.stale_notices
        self.candidates |= watch.candidates
        self.email |= watch.email
        self.webhook_ids |= {endpoint.pk for endpoint in watch.webhooks.all() if endpoint.active}
        self.lead_days |= {int(days) for days in watch.lead_days}
        self.overdue |= watch.overdue
        order: list[str] = [StatusChangeDelivery.OFF, StatusChangeDelivery.DIGEST, StatusChangeDelivery.IMMEDIATE]
        if order.index(watch.status_changes) > order.index(self.status_changes):
            self.status_changes = watch.status_changes


def watchers_for(
    agreement_ids: Iterable[int], *, watching_since: datetime.datetime | None = None
) -> dict[int, dict[int, Watcher]]:
    """agreement id → user id → Watcher, from watches of the agreement, of one of its parties, or of everything
    (with `watching_since`, only watches that existed then: a change is told to those who watched when it was
    recorded, however late it is announced)."""
    agreement_ids = list(agreement_ids)
    result: dict[int, dict[int, Watcher]] = {agreement_id: {} for agreement_id in agreement_ids}
    if not agreement_ids:
        return result
    parties: dict[int, list[int]] = {}
    for agreement_id, state_id in Participation.objects.filter(agreement_id__in=agreement_ids).values_list(
        "agreement_id", "state_id"
    ):
        parties.setdefault(state_id, []).append(agreement_id)
    watches = (
        Watch.objects.filter(Q(agreement_id__in=agreement_ids) | Q(state_id__in=parties) | Q(everything=True))
        .filter(user__is_active=True)
        .prefetch_related("webhooks")
    )
    if watching_since is not None:
        watches = watches.filter(created_at__lte=watching_since)
    for watch in watches:
        if watch.everything:
            covered = agreement_ids
        elif watch.agreement_id:
            covered = [watch.agreement_id]
        else:
            assert watch.state_id is not None  # watch_has_one_target: no agreement, not everything, so a state
            covered = parties.get(watch.state_id, [])
        for agreement_id in covered:
            result[agreement_id].setdefault(watch.user_id, Watcher(watch.user_id)).add(watch)
    return result


def notification_rows(
    watcher: Watcher, key: str, kind: Kind, *, digest: bool = False, **fields: object
) -> list[Notification]:
    """One row per channel the watcher chose; the key gains the channel (and endpoint) to stay unique."""
    rows = []
    if watcher.email:
        rows.append(
            Notification(
                key=f"{key}:email", user_id=watcher.user_id, channel=Channel.EMAIL, kind=kind, digest=digest, **fields
            )
        )
    if not digest:
        for endpoint_id in sorted(watcher.webhook_ids):
            rows.append(
                Notification(
                    key=f"{key}:webhook:{endpoint_id}",
                    user_id=watcher.user_id,
                    channel=Channel.WEBHOOK,
                    endpoint_id=endpoint_id,
                    kind=kind,
                    **fields,
                )
            )
    return rows


def store_and_enqueue(rows: list[Notification]) -> list[int]:
    """Insert the rows that do not exist yet (the unique key drops the rest) and queue them after commit."""
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    stored = Notification.objects.filter(key__in=[row.key for row in rows])
    ids = list(stored.filter(state=NotificationState.PENDING, digest=False).values_list("pk", flat=True))
    transaction.on_commit(lambda: enqueue(ids))
    return ids


def enqueue(notification_ids: Iterable[int]) -> int:
    """Hand the notices to the workers. With the broker down nothing is lost: the sweep finds them pending."""
    from .tasks import deliver_notification

    queued = 0
    for notification_id in notification_ids:
        try:
            deliver_notification.delay(notification_id)
            queued += 1
        except Exception as error:  # noqa: BLE001 - any broker failure; the sweep retries
            log.warning("could not queue notification %s (%s); the sweep will send it", notification_id, error)
            break
    return queued


def status_event_announce(*, event_id: int) -> list[int]:
    """Claim one status event from negotiations' outbox and write, in the same transaction, the notices it
    causes to its agreement's watchers; they are queued after commit. The claim is a conditional update, so an
    event is announced once however many tasks and sweeps try; a worker that dies before committing leaves
    the event unclaimed for the next sweep. Returns the ids of the notices queued."""
    with transaction.atomic():
        if StatusEvent.objects.filter(pk=event_id, processed_at=None).update(processed_at=timezone.now()) != 1:
            return []
        event = StatusEvent.objects.only("pk", "agreement_id", "status", "recorded_at").get(pk=event_id)
        if not event.status:  # a retraction announces nothing
            return []
        rows = []
        watchers = watchers_for([event.agreement_id], watching_since=event.recorded_at)[event.agreement_id]
        for watcher in watchers.values():
            if watcher.status_changes == StatusChangeDelivery.OFF:
                continue
            digest = watcher.status_changes == StatusChangeDelivery.DIGEST
            rows += notification_rows(
                watcher, f"event:{event.pk}:{watcher.user_id}", Kind.STATUS_CHANGED, digest=digest, event=event
            )
        return store_and_enqueue(rows)


def _candidate_watchers(candidate: Candidate, by_agreement: dict[int, dict[int, Watcher]]) -> list[Watcher]:
    """Who asked to hear of this candidate: watchers of its agreement (of the agreement, a party, everything);
    for a new agreement it proposes, watchers of one of its parties or of everything."""
    if candidate.agreement_id is not None:
        return [w for w in by_agreement.get(candidate.agreement_id, {}).values() if w.candidates]
    party_ids = [state.pk for state in candidate.parties.all()]
    watches = (
        Watch.objects.filter(Q(state_id__in=party_ids) | Q(everything=True), candidates=True, user__is_active=True)
        .filter(created_at__lte=candidate.created_at)
        .prefetch_related("webhooks")
    )
    watchers: dict[int, Watcher] = {}
    for watch in watches:
        watchers.setdefault(watch.user_id, Watcher(watch.user_id)).add(watch)
    return list(watchers.values())


def candidates_announce(*, article_id: int) -> list[int]:
    """Claim the article's candidates not yet announced (intake's outbox) and write, in the same transaction,
    one notice per candidate to each watcher who asked for facts from the news. Each candidate is claimed by a
    conditional update, so it is announced once however many tasks and sweeps try."""
    with transaction.atomic():
        pending = list(Candidate.objects.filter(article_id=article_id, announced_at=None).values_list("pk", flat=True))
        now = timezone.now()
        claimed = [pk for pk in pending if Candidate.objects.filter(pk=pk, announced_at=None).update(announced_at=now)]
        if not claimed:
            return []
        candidates = list(
            Candidate.objects.filter(pk__in=claimed, review="pending")
            .select_related("agreement", "article")
            .prefetch_related("parties")
        )
        by_agreement = watchers_for(
            {c.agreement_id for c in candidates if c.agreement_id is not None},
            watching_since=min(c.created_at for c in candidates) if candidates else None,
        )
        rows = []
        for candidate in candidates:
            payload = {"candidate": candidate.pk, "article": candidate.article_id, "kind": candidate.kind}
            for watcher in _candidate_watchers(candidate, by_agreement):
                rows += notification_rows(
                    watcher,
                    f"candidate:{candidate.pk}:{watcher.user_id}",
                    Kind.CANDIDATE_FOUND,
                    agreement=candidate.agreement,
                    payload=payload,
                )
        return store_and_enqueue(rows)


def unannounced_articles(limit: int) -> list[int]:
    """Articles with candidates nobody has announced yet (their nudge was lost): the sweep announces them."""
    return list(
        Candidate.objects.filter(announced_at=None)
        .order_by("article_id")
        .values_list("article_id", flat=True)
        .distinct()[:limit]
    )


def unannounced_status_events(limit: int) -> list[int]:
    """The ids of status events no one has claimed yet, oldest first (the sweep announces them)."""
    return list(StatusEvent.objects.filter(processed_at=None).order_by("pk").values_list("pk", flat=True)[:limit])


def watch_set(
    *,
    user: User,
    agreement: Agreement | None = None,
    state: State | None = None,
    everything: bool = False,
    email: bool = True,
    webhooks: Iterable[WebhookEndpoint] = (),
    lead_days: Iterable[int] = (30, 7, 1),
    overdue: bool = True,
    status_changes: str = StatusChangeDelivery.IMMEDIATE,
    stale_notices: bool = False,
    candidates: bool = False,
) -> Watch:
    """Create or update the user's watch of this target."""
    lead_days = sorted({int(days) for days in lead_days}, reverse=True)
    if any(days < 0 or days > MAX_LEAD_DAYS for days in lead_days):
        raise ValidationError({"lead_days": [_("Each lead time is 0 to %(max)s days.") % {"max": MAX_LEAD_DAYS}]})
    webhooks = list(webhooks)
    if any(endpoint.user_id != user.pk for endpoint in webhooks):
        raise ValidationError({"webhooks": [_("Use your own webhook endpoints.")]})
    target = {"agreement": agreement, "state": state, "everything": everything}
    with transaction.atomic():
        watch = Watch.objects.filter(user=user, **target).first() or Watch(user=user, **target)
        watch.email, watch.lead_days, watch.overdue, watch.status_changes = email, lead_days, overdue, status_changes
        watch.stale_notices, watch.candidates = stale_notices, candidates
        watch.full_clean()
        watch.save()
        watch.webhooks.set(webhooks)
    return watch


def watch_toggle(*, user: User, agreement: Agreement) -> bool:
    """The watch button of an agreement page: stop watching it, or start with the defaults. True if now watched."""
    with transaction.atomic():
        deleted, _rows = Watch.objects.filter(user=user, agreement=agreement).delete()
        if deleted:
            return False
        watch_set(user=user, agreement=agreement)
        return True


def watch_news_toggle(*, user: User, watch: Watch) -> bool:
    """Turn the telling of facts from the news on or off for one of the user's watches; returns the new value."""
    if watch.user_id != user.pk:
        raise PermissionDenied(_("This is not your watch."))
    watch.candidates = not watch.candidates
    watch.save(update_fields=["candidates", "updated_at"])
    return watch.candidates


def watch_delete(*, user: User, watch: Watch, expected_version: str | None = None) -> None:
    if watch.user_id != user.pk:
        raise PermissionDenied(_("This watch is not yours."))
    with transaction.atomic():
        locked_for_write(watch, expected_version).delete()


def email_unsubscribe(*, user: User, agreement: Agreement | None) -> int:
    """One click from an e-mail (RFC 8058): no more e-mails about this agreement (every watch that covers it:
    of it, of one of its parties, of everything), or about anything. Returns the number of watches changed."""
    watches = Watch.objects.filter(user=user)
    if agreement is not None:
        watches = watches.filter(
            Q(agreement=agreement) | Q(state__participations__agreement=agreement) | Q(everything=True)
        )
    return Watch.objects.filter(pk__in=watches.values("pk")).update(email=False)


def webhook_create(*, user: User, url: str, secret: str = "", events: Iterable[str] = ()) -> WebhookEndpoint:
    """Register an endpoint; without a secret one is generated (and shown once by the caller)."""
    check_webhook_url(url)
    if secret and not valid_secret(secret):
        raise ValidationError({"secret": [_("Give a secret of the form whsec_<base64>, at least 24 bytes.")]})
    events = list(events)
    unknown = set(events) - set(Kind.values)
    if unknown:
        raise ValidationError({"events": [_("Unknown events: %(names)s.") % {"names": ", ".join(sorted(unknown))}]})
    endpoint = WebhookEndpoint(user=user, url=url, secret=secret or new_secret(), events=events)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def webhook_delete(*, user: User, endpoint: WebhookEndpoint, expected_version: str | None = None) -> None:
    if endpoint.user_id != user.pk:
        raise PermissionDenied(_("This webhook endpoint is not yours."))
    with transaction.atomic():
        locked_for_write(endpoint, expected_version).delete()


def calendar_feed_reset(*, user: User) -> str:
    """A new private calendar secret for the user; the old URL stops working. Returns the secret (shown once)."""
    secret = secrets.token_urlsafe(24)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    CalendarFeed.objects.update_or_create(user=user, defaults={"digest": digest})
    return secret


def calendar_feed_user(secret: str) -> User | None:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    feed = CalendarFeed.objects.select_related("user").filter(digest=digest, user__is_active=True).first()
    return feed.user if feed else None


def report_resolution_announce(*, report_id: int) -> list[int]:
    """Claim a resolved error report from negotiations' outbox and write the reporter's e-mail notice, once:
    the claim is a conditional update, and the notice's key is unique. A reporter without an account (an
    anonymous report) or without an e-mail address has nobody to tell; the claim still closes the outbox."""
    with transaction.atomic():
        claimed = (
            ErrorReport.objects.filter(pk=report_id, announced_at=None)
            .exclude(status=ReportStatus.OPEN)
            .update(announced_at=timezone.now())
        )
        if claimed != 1:
            return []
        report = ErrorReport.objects.select_related("reporter").get(pk=report_id)
        reporter = report.reporter
        if reporter is None or not reporter.is_active or not reporter.email:
            return []
        notice = Notification(
            key=f"report:{report.pk}:email",
            user=reporter,
            channel=Channel.EMAIL,
            kind=Kind.REPORT_RESOLVED,
            report=report,
            agreement_id=report.agreement_id,
        )
        return store_and_enqueue([notice])


def unannounced_report_resolutions(limit: int) -> list[int]:
    """Resolved reports whose reporter has not been told yet, oldest first (the sweep announces them)."""
    resolved = ErrorReport.objects.filter(announced_at=None).exclude(status=ReportStatus.OPEN)
    return list(resolved.order_by("pk").values_list("pk", flat=True)[:limit])
