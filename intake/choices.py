from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Origin(models.TextChoices):
    PASTED = "pasted", _("pasted")
    FETCHED = "fetched", _("fetched from its address")
    FEED = "feed", _("read from a feed")


class FetchState(models.TextChoices):
    """Whether the article's text is there yet: a pasted one has it; one given by its address waits for a worker."""

    NOT_NEEDED = "not_needed", _("not needed")
    QUEUED = "queued", _("waiting to be fetched")
    FETCHED = "fetched", _("fetched")
    FAILED = "failed", _("could not be fetched")


class CandidateKind(models.TextChoices):
    """What a candidate proposes: a status change, a round, a milestone or one party's own step."""

    STATUS = "status", _("status change")
    ROUND = "round", _("negotiation round")
    MILESTONE = "milestone", _("milestone")
    PARTICIPATION = "participation", _("party's step")


class PartyStep(models.TextChoices):
    SIGNATURE = "signature", _("signature")
    APPROVAL = "approval", _("domestic approval")
    NOTES_EXCHANGED = "notes_exchanged", _("exchange of notes")
    ENTRY_INTO_FORCE = "entry_into_force", _("entry into force")


class Relation(models.TextChoices):
    """The candidate against the record as of the article's date."""

    PROPOSED = "proposed", _("new: proposed")
    CORROBORATES = "corroborates", _("corroborates the record")
    CONTRADICTS = "contradicts", _("contradicts the record")


class Review(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    ACCEPTED = "accepted", pgettext_lazy("a candidate fact's review", "accepted")
    REJECTED = "rejected", pgettext_lazy("a candidate fact's review", "rejected")
