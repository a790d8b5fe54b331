"""Statuses and kinds of the negotiation domain (shared/docs/DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    TALKS_AGREED = "talks_agreed", _("talks agreed")
    NEGOTIATING = "negotiating", _("negotiating")
    SUSPENDED = "suspended", _("suspended")
    AGREED_IN_PRINCIPLE = "agreed_in_principle", _("agreed in principle")
    SIGNED = "signed", _("signed")
    IN_FORCE = "in_force", _("in force")
    TERMINATED = "terminated", _("terminated")
    ABANDONED = "abandoned", _("abandoned")


class DatePrecision(models.TextChoices):
    """How much of a date is known: 'July 2014' is stored as 2014-07-01 with precision month."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class MilestoneKind(models.TextChoices):
    ROUND = "round", _("negotiation round")
    TEXT_REVIEW = "text_review", _("review of the text")
    TARGET_CONCLUSION = "target_conclusion", _("target for conclusion")
    SIGNATURE = "signature", _("signature")
    PARLIAMENTARY = "parliamentary", _("parliamentary step")
    EXCHANGE_OF_NOTES = "exchange_of_notes", _("exchange of notes")
    ENTRY_INTO_FORCE = "entry_into_force", _("entry into force")
    OTHER = "other", _("other")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")


class ChangedObject(models.TextChoices):
    """What a change row is about: the kinds of record the change log follows."""

    AGREEMENT = "agreement", _("agreement")
    PARTICIPATION = "participation", _("party's steps")
    EVENT = "event", _("status change")
    ROUND = "round", _("negotiation round")
    MILESTONE = "milestone", _("milestone")
    SOURCE = "source", _("source")
    CITATION = "citation", _("citation")


class CitationRole(models.TextChoices):
    """What a cited source says of the fact."""

    STATES = "states", _("states it")
    CONTRADICTS = "contradicts", _("contradicts it")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("open")
    CORRECTED = "corrected", _("corrected")
    DISMISSED = "dismissed", _("dismissed")
