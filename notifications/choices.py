import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook")


class Kind(models.TextChoices):
    STATUS_CHANGED = "status_changed", _("status changed")
    MILESTONE_DUE = "milestone_due", _("milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue")
    DIGEST = "digest", _("daily digest")
    AGREEMENT_STALE = "agreement_stale", _("agreement not checked for a while")
    REPORT_RESOLVED = "report_resolved", _("your error report was resolved")
    CANDIDATE_FOUND = "candidate_found", _("a fact found in the news")


class StatusChangeDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("at once")
    DIGEST = "digest", _("in a daily digest")
    OFF = "off", _("not at all")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    DIGESTED = "digested", _("sent in a digest")


class DeliveryResult(enum.StrEnum):
    """What one delivery attempt came to (the task's return value; not stored: the notification's state is)."""

    NOT_CLAIMED = "not-claimed"  # another worker holds it, or it is no longer pending
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
