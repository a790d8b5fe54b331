"""Sending one notification: claim it, send it by e-mail or signed webhook, log the attempt, retry or give up.

A notice is claimed with a conditional update (pending → sending), so two workers never send the same one.
A worker killed mid-send leaves it `sending`; the sweep returns it to `pending` once its lease has expired.
"""

import datetime
import json
import logging
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from intake.models import Candidate

from .choices import Channel, DeliveryResult, Kind, NotificationState
from .models import DeliveryAttempt, Notification
from .signing import sign
from .urls_safety import check_webhook_url

log = logging.getLogger(__name__)
RETRY_HTTP_STATUSES = {408, 429}


class Retryable(Exception):
    """A failure worth another try: a timeout, a refused connection, a 5xx, 408 or 429."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class Permanent(Exception):
    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True)
class Outcome:
    state: DeliveryResult
    retry_in: float | None = None


def backoff_seconds(attempts: int) -> float:
    """Exponential with jitter, and always well below the broker's visibility timeout."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    ceiling = min(settings.NOTIFICATION_RETRY_MAX_SECONDS, settings.CELERY_VISIBILITY_TIMEOUT / 2)
    return min(base, ceiling) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


def deliver(notification_id: int) -> Outcome:
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, state=NotificationState.PENDING, digest=False, next_attempt_at__lte=now
    ).update(state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return Outcome(DeliveryResult.NOT_CLAIMED)
    notification = Notification.objects.select_related(
        "user",
        "user__profile",
        "endpoint",
        "event__agreement",
        "event__source",
        "milestone__agreement",
        "agreement",
        "report",
    ).get(pk=notification_id)
    started, clock = timezone.now(), time.monotonic()
    http_status, error, retryable = None, "", False
    try:
        http_status = _send(notification)
    except Retryable as failure:
        error, retryable, http_status = str(failure), True, failure.http_status
    except Permanent as failure:
        error, http_status = str(failure), failure.http_status
    except Exception as failure:  # noqa: BLE001 - an unexpected error is logged and retried like a network one
        log.exception("notification %s failed", notification_id)
        error, retryable = f"{type(failure).__name__}: {failure}", True
    DeliveryAttempt.objects.create(
        notification=notification,
        started_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000),
        ok=not error,
        http_status=http_status,
        error=error[:2000],
    )
    if not error:
        Notification.objects.filter(pk=notification_id).update(
            state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
        )
        return Outcome(DeliveryResult.SENT)
    if retryable and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        delay = backoff_seconds(notification.attempts)
        Notification.objects.filter(pk=notification_id).update(
            state=NotificationState.PENDING,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
            last_error=error[:2000],
        )
        return Outcome(DeliveryResult.RETRY, delay)
    Notification.objects.filter(pk=notification_id).update(state=NotificationState.FAILED, last_error=error[:2000])
    return Outcome(DeliveryResult.FAILED)


def _send(notification: Notification) -> int | None:
    if notification.channel == Channel.EMAIL:
        _send_email(notification)
        return None
    return _send_webhook(notification)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _context(notification: Notification) -> dict[str, object]:
    agreement = None
    if notification.event is not None:
        agreement = notification.event.agreement
    elif notification.milestone is not None:
        agreement = notification.milestone.agreement
    elif notification.agreement is not None:
        agreement = notification.agreement
    context_report = notification.report
    candidate = _candidate(notification)
    context: dict[str, object] = {
        "notification": notification,
        "kind": notification.kind,
        "event": notification.event,
        "milestone": notification.milestone,
        "agreement": agreement,
        "items": notification.payload.get("items", []),
        "today": timezone.localdate(),
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "report": context_report,
        "candidate": candidate,
        "review_url": site_url(reverse("intake-candidate", args=[candidate.pk])) if candidate else "",
    }
    if agreement is not None:
        context["agreement_url"] = site_url(agreement.get_absolute_url())
        token = signing.dumps({"u": notification.user_id, "a": agreement.pk}, salt="unsubscribe")
        context["unsubscribe_url"] = site_url(reverse("unsubscribe", args=[token]))
    else:
        token = signing.dumps({"u": notification.user_id, "a": None}, salt="unsubscribe")
        context["unsubscribe_url"] = site_url(reverse("unsubscribe", args=[token]))
    return context


def _candidate(notification: Notification) -> Candidate | None:
    """The candidate fact a notice from the news is about (None once it was deleted)."""
    if notification.kind != Kind.CANDIDATE_FOUND:
        return None
    return (
        Candidate.objects.select_related("article", "agreement", "party")
        .filter(pk=notification.payload.get("candidate"))
        .first()
    )


def _language(user: User) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, "language", "") or settings.LANGUAGE_CODE


def _send_email(notification: Notification) -> None:
    user = notification.user
    if not user.email:
        raise Permanent("The user has no e-mail address.")
    with translation.override(_language(user)):
        context = _context(notification)
        subject = render_to_string("emails/subject.txt", context).strip()
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-RAA-Notification": notification.webhook_id,
        },
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError as error:  # SMTP and socket errors
        raise Retryable(f"e-mail: {error}") from error


def webhook_payload(notification: Notification) -> dict[str, Any]:
    data: dict[str, Any] = {"notification": notification.webhook_id}
    event, milestone = notification.event, notification.milestone
    if event is not None:
        source = event.source
        data |= {
            "agreement": event.agreement.slug,
            "agreement_url": site_url(event.agreement.get_absolute_url()),
            "status": event.status,
            "effective_on": event.effective_on.isoformat(),
            "event": event.pk,
            "source": source.url or source.title if source is not None else None,
        }
    if milestone is not None:
        data |= {
            "agreement": milestone.agreement.slug,
            "agreement_url": site_url(milestone.agreement.get_absolute_url()),
            "milestone": milestone.pk,
            "title": milestone.title,
            "due_on": milestone.due_on.isoformat(),
            "lead_days": notification.lead_days,
        }
    if notification.kind == Kind.CANDIDATE_FOUND:
        candidate = _candidate(notification)
        data |= {
            "candidate": notification.payload.get("candidate"),
            "article": notification.payload.get("article"),
            "review_url": site_url(reverse("intake-candidate", args=[candidate.pk])) if candidate else None,
            "evidence": candidate.evidence if candidate else None,
        }
    agreement = notification.agreement
    if agreement is not None:
        data |= {
            "agreement": agreement.slug,
            "agreement_url": site_url(agreement.get_absolute_url()),
            "status": agreement.status,
            "status_since": agreement.status_since.isoformat() if agreement.status_since else None,
            "checked_on": agreement.checked_on.isoformat() if agreement.checked_on else None,
        }
    return {"type": notification.kind, "timestamp": timezone.now().isoformat(), "data": data}


def _send_webhook(notification: Notification) -> int:
    endpoint = notification.endpoint
    if endpoint is None or not endpoint.active:
        raise Permanent("The webhook endpoint is gone or inactive.")
    try:
        check_webhook_url(endpoint.url)
    except ValidationError as refused:
        raise Permanent(" ".join(refused.messages)) from None
    body = json.dumps(webhook_payload(notification), separators=(",", ":")).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "raa-tracker-webhooks/1",
            "webhook-id": notification.webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(endpoint.secret, notification.webhook_id, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code in RETRY_HTTP_STATUSES:
            raise Retryable(f"HTTP {error.code}", error.code) from None
        raise Permanent(f"HTTP {error.code}", error.code) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise Retryable(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
