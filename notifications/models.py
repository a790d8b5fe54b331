import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from negotiations.models import Agreement, ErrorReport, Milestone, StatusEvent
from parties.models import State
from raa_tracker.models import TimestampedModel

from .choices import Channel, Kind, NotificationState, StatusChangeDelivery

DEFAULT_LEAD_DAYS = [30, 7, 1]


def default_lead_days() -> list[int]:
    return list(DEFAULT_LEAD_DAYS)


class WebhookEndpoint(TimestampedModel):
    """An external tool's URL that receives signed notifications (Standard Webhooks).

    The secret must be kept in clear: it signs every payload (HMAC), unlike API tokens, which are only verified.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list, blank=True, help_text=_("Empty: every kind of notice."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return self.active and (not self.events or kind in self.events)


class Watch(TimestampedModel):
    """A user follows one agreement, every agreement of a state, or everything."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    state = models.ForeignKey(State, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    everything = models.BooleanField(_("everything"), default=False)
    email = models.BooleanField(_("by e-mail"), default=True)
    webhooks = models.ManyToManyField(WebhookEndpoint, blank=True, related_name="watches")
    lead_days = models.JSONField(_("reminders (days before a milestone is due)"), default=default_lead_days, blank=True)
    overdue = models.BooleanField(_("remind when overdue"), default=True)
    status_changes = models.CharField(
        _("status changes"),
        max_length=12,
        choices=StatusChangeDelivery.choices,
        default=StatusChangeDelivery.IMMEDIATE,
    )
    candidates = models.BooleanField(
        _("tell me of facts found in the news"),
        default=False,
        help_text=_("When an article reports a step of a watched agreement (a candidate fact to review)."),
    )
    stale_notices = models.BooleanField(
        _("tell me when it goes stale"),
        default=False,
        help_text=_("Once, when a watched agreement has gone STALE_AFTER_DAYS without a change or a check."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreement__isnull=False, state__isnull=True, everything=False)
                | models.Q(agreement__isnull=True, state__isnull=False, everything=False)
                | models.Q(agreement__isnull=True, state__isnull=True, everything=True),
                name="watch_has_one_target",
                violation_error_message=_("Watch one agreement, one state, or everything."),
            ),
            models.UniqueConstraint(
                fields=["user", "agreement"], condition=models.Q(agreement__isnull=False), name="watch_agreement_once"
            ),
            models.UniqueConstraint(
                fields=["user", "state"], condition=models.Q(state__isnull=False), name="watch_state_once"
            ),
            models.UniqueConstraint(fields=["user"], condition=models.Q(everything=True), name="watch_everything_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.agreement_id:
            return str(self.agreement)
        if self.state_id:
            return str(self.state)
        return str(_("everything"))


class Notification(models.Model):
    """One notice for one user on one channel: the outbox row, claimed and sent by a worker.

    `key` names what it is about, for whom, on which channel and for which lead time or event; the database
    holds it unique, so sweeps that overlap, two workers or a retried task can never create it twice.
    """

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    endpoint = models.ForeignKey(WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    event = models.ForeignKey(StatusEvent, null=True, blank=True, on_delete=models.CASCADE)
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ErrorReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveSmallIntegerField(null=True, blank=True)
    digest = models.BooleanField(default=False, help_text=_("Held for the daily digest."))
    state = models.CharField(max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text=_("What a digest lists."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # Sweep: pending notices whose next attempt is due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state=NotificationState.PENDING, digest=False),
                name="notification_due_idx",
            ),
            # Sweep: notices claimed by a worker that died (claimed long ago, still sending).
            models.Index(fields=["claimed_at"], condition=models.Q(state="sending"), name="notification_stuck_idx"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def webhook_id(self) -> str:
        """Stable across retries, so that receivers can drop duplicates (Standard Webhooks `webhook-id`)."""
        return f"msg_{self.pk}"


class DeliveryAttempt(models.Model):
    """One try at sending a notification: shown to its user and in the admin."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.notification_id} at {self.started_at:%Y-%m-%d %H:%M:%S}: {'ok' if self.ok else self.error}"


class CalendarFeed(TimestampedModel):
    """A user's private calendar URL: the secret is in the URL, only its digest here; revoked by replacing it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("private calendar feed")


def lease_expired_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
