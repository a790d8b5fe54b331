"""Articles, the feeds they come from, and the candidate facts found in them (issue #17).

An article is stored once: by its feed and GUID, else its canonical address, else a digest of its text (each
unique in the database, so two pollers or two clients submitting the same report store it once). A candidate
keeps its evidence (the sentence, its offsets, the expressions that matched) and how it stands against the
record; it changes the record only when a person accepts it, through the negotiations services.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from negotiations.choices import DatePrecision, MilestoneKind, Status
from negotiations.models import (
    Agreement,
    AgreementType,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
    language_code_validator,
)
from parties.models import State
from raa_tracker.models import TimestampedModel

from .choices import CandidateKind, FetchState, Origin, PartyStep, Relation, Review


class Feed(TimestampedModel):
    """An RSS or Atom feed of a ministry or newspaper, polled by beat with conditional GET; errors back off
    and are kept here, where the admin shows them."""

    url = models.URLField(_("address"), max_length=500, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200)
    language = models.CharField(_("language"), max_length=16, validators=[language_code_validator])
    interval_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)]
    )
    active = models.BooleanField(_("active"), default=True)
    # The validators of the last answer, sent back as If-None-Match and If-Modified-Since.
    etag = models.CharField(_("ETag"), max_length=300, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed by a poller until"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        ordering = ["publisher", "url"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        indexes = [
            models.Index(fields=["next_poll_at"], condition=Q(active=True), name="feed_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher} ({self.url})"


class Article(TimestampedModel):
    """A report that an analyst pasted or gave by its address, or that a feed brought."""

    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.PASTED)
    url = models.URLField(_("address"), max_length=500, blank=True)
    canonical_url = models.URLField(_("canonical address"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True, validators=[language_code_validator])
    digest = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    guid = models.CharField(_("feed item's GUID"), max_length=500, blank=True)
    fetch_state = models.CharField(_("text"), max_length=12, choices=FetchState.choices, default=FetchState.NOT_NEEDED)
    fetch_error = models.TextField(_("fetch error"), blank=True)
    extracted_at = models.DateTimeField(_("facts sought at"), null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles",
        help_text=_("The record's source for this article, once a candidate of it was accepted."),
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["digest"], condition=~Q(digest=""), name="article_text_once"),
            models.UniqueConstraint(
                fields=["canonical_url"], condition=~Q(canonical_url=""), name="article_address_once"
            ),
            models.UniqueConstraint(fields=["feed", "guid"], condition=~Q(guid=""), name="article_feed_item_once"),
            models.CheckConstraint(condition=Q(fetch_state__in=FetchState.values), name="article_fetch_state_valid"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"article {self.pk}"


class Candidate(models.Model):
    """A fact an article reports, proposed for the record: which agreement (or a new one of these parties and
    type), which step, on which date and with what precision, on which sentence."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="candidates")
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    parties = models.ManyToManyField(State, related_name="+", verbose_name=_("parties"))
    type = models.ForeignKey(AgreementType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=CandidateKind.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, blank=True)
    step = models.CharField(_("party's step"), max_length=20, choices=PartyStep.choices, blank=True)
    party = models.ForeignKey(State, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("round number"), null=True, blank=True)
    milestone_kind = models.CharField(_("milestone kind"), max_length=24, choices=MilestoneKind.choices, blank=True)
    effective_on = models.DateField(_("date"), null=True, blank=True)
    precision = models.CharField(_("precision of the date"), max_length=8, choices=DatePrecision.choices, blank=True)
    evidence = models.TextField(_("evidence"), help_text=_("The sentence the candidate rests on, as published."))
    evidence_start = models.PositiveIntegerField(_("evidence starts at"))
    evidence_end = models.PositiveIntegerField(_("evidence ends at"))
    cues = models.JSONField(_("matched expressions"), default=list, blank=True)
    confidence = models.FloatField(_("confidence"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices, default=Relation.PROPOSED)
    # The fact of the record a candidate corroborates or contradicts (at most one).
    matched_event = models.ForeignKey(StatusEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matched_round = models.ForeignKey(
        NegotiationRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matched_participation = models.ForeignKey(
        Participation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.CharField(_("review"), max_length=8, choices=Review.choices, default=Review.PENDING)
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    # The outbox: the notifications app claims a new candidate (sets this) to tell the watchers who asked, once.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["article", "evidence_start", "id"]
        verbose_name = _("candidate fact")
        verbose_name_plural = _("candidate facts")
        indexes = [
            models.Index(fields=["review", "agreement"], name="candidate_inbox_idx"),
            models.Index(fields=["id"], condition=Q(announced_at__isnull=True), name="candidate_unannounced_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CandidateKind.values), name="candidate_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=CandidateKind.STATUS, status__in=Status.values)
                | (~Q(kind=CandidateKind.STATUS) & Q(status="")),
                name="candidate_status_for_a_status_change",
            ),
            models.CheckConstraint(
                condition=Q(kind=CandidateKind.PARTICIPATION, step__in=PartyStep.values)
                | (~Q(kind=CandidateKind.PARTICIPATION) & Q(step="")),
                name="candidate_step_for_a_party",
            ),
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True, precision="")
                | Q(effective_on__isnull=False, precision__in=DatePrecision.values),
                name="candidate_date_has_precision",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="candidate_confidence_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(evidence_end__gte=models.F("evidence_start")), name="candidate_evidence_span"
            ),
            models.CheckConstraint(condition=Q(review__in=Review.values), name="candidate_review_valid"),
            models.CheckConstraint(
                condition=~Q(review=Review.REJECTED) | ~Q(review_reason=""), name="candidate_rejected_with_reason"
            ),
            models.CheckConstraint(
                condition=(
                    Q(matched_round=None, matched_milestone=None, matched_participation=None)
                    | Q(matched_event=None, matched_milestone=None, matched_participation=None)
                    | Q(matched_event=None, matched_round=None, matched_participation=None)
                    | Q(matched_event=None, matched_round=None, matched_milestone=None)
                ),
                name="candidate_matches_at_most_one_fact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.status or self.step or self.milestone_kind} {self.effective_on or ''}"
