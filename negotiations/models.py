import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parties.models import State
from raa_tracker.models import TimestampedModel
from raa_tracker.provenance import Channel

from .choices import (
    ApprovalStatus,
    ChangeAction,
    ChangedObject,
    CitationRole,
    DatePrecision,
    MilestoneKind,
    MilestoneStatus,
    ReportStatus,
    Status,
)

language_code_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Enter a language code such as 'en', 'ja' or 'pt-BR'.")
)


FUTURE_DATE = _("%(date)s lies in the future; record what is planned as a milestone")


def refuse_future_dates(instance: Model) -> None:
    """What has happened is dated today or earlier: the fields a model names in PAST_DATES (a publication, a
    party's signature, approval and entry into force, a milestone's completion, a status change). A planned
    step is a milestone, or the agreement's scheduled entry into force. The import checks the same names."""
    today = timezone.localdate()
    errors = {
        name: ValidationError(FUTURE_DATE, code="future-date", params={"date": value.isoformat()})
        for name in getattr(instance, "PAST_DATES", ())
        if isinstance(value := getattr(instance, name), datetime.date) and value > today
    }
    if errors:
        raise ValidationError(errors)


class Source(TimestampedModel):
    """Published evidence for a fact: events, rounds and milestones cite it."""

    PAST_DATES = ("published_on",)

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    published_precision = models.CharField(
        _("precision of the publication date"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    language = models.CharField(_("language"), max_length=16, default="en", validators=[language_code_validator])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["publisher", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="source_url_unique",
                violation_error_message=_("A source with this address is already stored; cite that one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"

    def clean(self) -> None:
        refuse_future_dates(self)


class AgreementType(TimestampedModel):
    """A kind of agreement: RAA, SOFA, ACSA, ..."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9-]*$", _("Use capital letters, digits and hyphens."))],
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    family = models.SlugField(
        _("family"),
        max_length=40,
        blank=True,
        help_text=_(
            "Types of one family are compared with each other (RAAs and visiting-forces agreements: "
            "visiting-forces); a type without one is compared with its own kind only."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("agreement type")
        verbose_name_plural = _("agreement types")

    def __str__(self) -> str:
        return self.code


class Agreement(TimestampedModel):
    """An agreement between two or more parties, followed from proposal to entry into force.

    `status` and `status_since` are derived from the event log by
    `services.agreement_transition` in the same transaction; never set them by hand.
    """

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    type = models.ForeignKey(AgreementType, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("type"))
    summary = models.TextField(_("summary"), blank=True)
    parties = models.ManyToManyField(State, through="Participation", related_name="agreements")
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, null=True, blank=True, editable=False)
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    entry_into_force_scheduled_on = models.DateField(
        _("scheduled entry into force"),
        null=True,
        blank=True,
        help_text=_("Fixed by the exchange of notes; on this date the agreement moves to in force."),
    )
    target_conclusion_on = models.DateField(_("target date for conclusion"), null=True, blank=True)
    started_on = models.DateField(
        _("record starts on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Date of the first status change that counts; kept by the lifecycle service."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "Still accurate as of": an official's or administrator's confirmation that the record is current, citing
    # the latest source (services.agreement_confirm_current); with status_since, what tells whether it is stale.
    checked_on = models.DateField(_("last checked"), null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    checked_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checked_agreements",
        editable=False,
        verbose_name=_("source of the last check"),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__isnull=True) | models.Q(status__in=Status.values),
                name="agreement_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__isnull=True, status_since__isnull=True)
                | models.Q(status__isnull=False, status_since__isnull=False),
                name="agreement_status_since_with_status",
            ),
        ]
        indexes = [
            # Dashboard and API: agreements filtered by status (and type), e.g. ?status=negotiating&type=RAA.
            models.Index(fields=["status", "type"], name="agreement_status_type_idx"),
            # Overview: negotiations in progress, longest running first.
            models.Index(fields=["started_on", "title"], name="agreement_started_idx"),
            # API and dashboard lists: the default order, also for deep pages.
            models.Index(fields=["title", "id"], name="agreement_title_idx"),
            # Reminder sweep: signed agreements whose scheduled entry into force is due.
            models.Index(
                fields=["entry_into_force_scheduled_on"],
                condition=models.Q(status=Status.SIGNED),
                name="agreement_eif_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreement-detail", args=[self.slug])


class Participation(TimestampedModel):
    """One party's own steps in an agreement: signature, domestic approval, entry into force."""

    PAST_DATES = ("signed_on", "approval_submitted_on", "approval_decided_on", "entry_into_force_on")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="participations")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="participations", verbose_name=_("state"))
    signed_on = models.DateField(_("date of signature"), null=True, blank=True)
    approval_status = models.CharField(
        _("domestic approval"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    approval_body = models.CharField(_("approving body"), max_length=200, blank=True, help_text=_("e.g. Diet, Senate"))
    approval_submitted_on = models.DateField(_("submitted for approval on"), null=True, blank=True)
    approval_decided_on = models.DateField(_("approval decided on"), null=True, blank=True)
    approval_decided_precision = models.CharField(
        _("precision of the decision date"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    entry_into_force_on = models.DateField(_("entry into force for this party"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="participations")

    class Meta:
        ordering = ["agreement", "state__short_name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "state"],
                name="participation_one_per_state",
                violation_error_message=_("This state is already a party to the agreement."),
            ),
            models.CheckConstraint(
                condition=models.Q(approval_status__in=ApprovalStatus.values), name="participation_approval_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(approval_decided_on__isnull=True)
                | models.Q(approval_submitted_on__isnull=True)
                | models.Q(approval_decided_on__gte=models.F("approval_submitted_on")),
                name="participation_decision_after_submission",
                violation_error_message=_("The decision cannot come before the submission."),
            ),
            models.CheckConstraint(
                condition=models.Q(approval_decided_on__isnull=True)
                | models.Q(approval_status__in=[ApprovalStatus.APPROVED, ApprovalStatus.REJECTED]),
                name="participation_decision_date_needs_decision",
                violation_error_message=_("A decision date needs the approval status approved or rejected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state} in {self.agreement}"

    def clean(self) -> None:
        refuse_future_dates(self)
        if self.approval_decided_on and self.approval_status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
            raise ValidationError(
                {"approval_decided_on": _("A decision date needs the approval status approved or rejected.")}
            )
        if (
            self.approval_submitted_on
            and self.approval_decided_on
            and self.approval_decided_on < self.approval_submitted_on
        ):
            raise ValidationError({"approval_decided_on": _("The decision cannot come before the submission.")})


class NegotiationRound(TimestampedModel):
    """A numbered round of formal negotiations between the delegations."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1), MaxValueValidator(999)])
    starts_on = models.DateField(_("starts on"))
    starts_precision = models.CharField(
        _("precision of the start date"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty for a one-day round."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="hosted_rounds", verbose_name=_("host")
    )
    summary = models.TextField(_("summary"), blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="rounds")
    no_source_reason = models.TextField(
        _("why there is no public source"),
        blank=True,
        help_text=_("When no publication can be cited: say how the fact is known (e.g. told at a briefing)."),
    )

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"],
                name="round_number_unique_per_agreement",
                violation_error_message=_("This agreement already has a round with this number."),
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="round_number_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
                violation_error_message=_("A round cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: round {self.number}"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A round cannot end before it starts.")})


class MilestoneQuerySet(models.QuerySet):
    def open(self) -> "MilestoneQuerySet":
        return self.filter(status=MilestoneStatus.PLANNED)

    def overdue(self, today: datetime.date | None = None) -> "MilestoneQuerySet":
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Milestone(TimestampedModel):
    """Something expected on a date: a planned round, a target, a signature, a vote.

    Overdue is derived: the due date has passed and it is still planned.
    """

    PAST_DATES = ("completed_on",)

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=24, choices=MilestoneKind.choices, default=MilestoneKind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    due_precision = models.CharField(
        _("precision of the due date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("A meeting known to have taken place in January 2014 is due in 2014-01, to the month."),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_milestones",
        verbose_name=_("owner"),
    )
    responsible_party = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible party")
    )
    note = models.TextField(_("note"), blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="milestones")
    no_source_reason = models.TextField(
        _("why there is no public source"),
        blank=True,
        help_text=_("When no publication can be cited: say how the fact is known (e.g. told at a briefing)."),
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(status=MilestoneStatus.DONE),
                name="milestone_completion_only_when_done",
                violation_error_message=_("Only a milestone that is done has a completion date."),
            ),
        ]
        indexes = [
            # Reminder sweep and dashboard: open milestones by due date (due soon, overdue).
            models.Index(
                fields=["due_on"], condition=models.Q(status=MilestoneStatus.PLANNED), name="milestone_open_due_idx"
            ),
            # Agreement page: an agreement's milestones in date order.
            models.Index(fields=["agreement", "due_on"], name="milestone_agreement_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        refuse_future_dates(self)
        if self.completed_on and self.status != MilestoneStatus.DONE:
            raise ValidationError({"completed_on": _("Only a milestone that is done has a completion date.")})

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == MilestoneStatus.PLANNED and self.due_on < (today or timezone.localdate())


class StatusEvent(models.Model):
    """One change of an agreement's status: the log that the current status is computed from.

    Events are never edited or deleted. A wrong entry is mended by a correction
    (an administrator's new event that names the wrong one and a reason); the
    wrong entry stays in the history but no longer counts. A correction
    without a status retracts the wrong entry.
    """

    PAST_DATES = ("effective_on",)

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, blank=True)
    effective_on = models.DateField(_("effective date"))
    date_precision = models.CharField(
        _("precision of the date"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    no_source_reason = models.TextField(
        _("why there is no public source"),
        blank=True,
        help_text=_("When no publication can be cited: say how the fact is known (e.g. told at a briefing)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    # The event is also the outbox of what it causes elsewhere (notices to watchers): the app that acts on it
    # claims it by setting this, once (a conditional update), so a change is announced exactly once however
    # many workers and sweeps look. Null: not acted on yet.
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values) | models.Q(status="", corrects__isnull=False),
                name="event_status_valid",
                violation_error_message=_("Choose a status; only a correction may leave it empty (a retraction)."),
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True, correction_reason="")
                | (models.Q(corrects__isnull=False) & ~models.Q(correction_reason="")),
                name="event_correction_has_reason",
                violation_error_message=_("A correction names the wrong entry and says why; other entries do neither."),
            ),
        ]
        indexes = [
            # Agreement history and lifecycle replay: an agreement's events in date order.
            models.Index(fields=["agreement", "effective_on", "id"], name="event_agreement_date_idx"),
            # Overview and change feed: recent status changes across all agreements.
            models.Index(fields=["-effective_on", "-id"], name="event_recent_idx"),
            # Recent changes on the overview and the events API's cursor pages (newest recorded first).
            models.Index(fields=["-recorded_at", "-id"], name="event_recorded_idx"),
            # The sweep's outbox query: events not processed yet, oldest first (few rows, so a partial index).
            models.Index(fields=["id"], condition=models.Q(processed_at__isnull=True), name="event_unprocessed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.get_status_display() or _('retraction')} on {self.effective_on}"

    def clean(self) -> None:
        refuse_future_dates(self)

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def updated_at(self) -> datetime.datetime:
        return self.recorded_at

    @property
    def created_at(self) -> datetime.datetime:
        return self.recorded_at


# The facts of the record that citations and error reports name, by the name of their column there (and of
# their kind in the change log, ChangedObject).
Fact = StatusEvent | NegotiationRound | Milestone | Participation
FACT_MODELS: dict[str, type[Fact]] = {
    "event": StatusEvent,
    "round": NegotiationRound,
    "milestone": Milestone,
    "participation": Participation,
}
FACT_NAMES: dict[type[Model], str] = {model: name for name, model in FACT_MODELS.items()}


class Citation(models.Model):
    """A further source for a fact (a status change, round, milestone or party's steps), besides the one it was
    recorded with (its `source`): one that confirms it (*states*) or one that reports something else, another
    date or status (*contradicts*), with the sentence it rests on, in the source's language."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="citations")
    event = models.ForeignKey(StatusEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    round = models.ForeignKey(
        NegotiationRound, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    participation = models.ForeignKey(
        Participation, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source"))
    role = models.CharField(_("role"), max_length=12, choices=CitationRole.choices, default=CitationRole.STATES)
    quote = models.TextField(
        _("quote"), blank=True, max_length=2000, help_text=_("The sentence the citation rests on, as published.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("cited at"), default=timezone.now)

    FACTS = tuple(FACT_MODELS)

    class Meta:
        ordering = ["id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(event__isnull=False, round=None, milestone=None, participation=None)
                    | models.Q(event=None, round__isnull=False, milestone=None, participation=None)
                    | models.Q(event=None, round=None, milestone__isnull=False, participation=None)
                    | models.Q(event=None, round=None, milestone=None, participation__isnull=False)
                ),
                name="citation_cites_one_fact",
                violation_error_message=_("A citation is for exactly one fact."),
            ),
            models.CheckConstraint(condition=models.Q(role__in=CitationRole.values), name="citation_role_valid"),
            *[
                models.UniqueConstraint(
                    fields=[fact, "source"],
                    condition=models.Q(**{f"{fact}__isnull": False}),
                    name=f"citation_{fact}_source_once",
                    violation_error_message=_("This source is already cited for this fact."),
                )
                for fact in FACT_MODELS
            ],
        ]
        indexes = [
            # The agreement page: every citation of the agreement's facts, in one query.
            models.Index(fields=["agreement", "id"], name="citation_agreement_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.source}"

    @property
    def fact(self) -> Model | None:
        return next((getattr(self, name) for name in self.FACTS if getattr(self, f"{name}_id")), None)


class ErrorReport(models.Model):
    """A reader says a fact of the record (or the agreement as a whole) is wrong, with a note and perhaps a
    source. Officials of the agreement's parties and administrators resolve it: by correcting the fact (citing
    the report) or by dismissing it with a reason. Either way the reporter is told once: the resolved report is
    an outbox that notifications claims by setting `announced_at`."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    event = models.ForeignKey(StatusEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    round = models.ForeignKey(
        NegotiationRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    participation = models.ForeignKey(
        Participation, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    note = models.TextField(_("what is wrong"), max_length=4000)
    source_url = models.URLField(_("a source that shows it"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="error_reports"
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True, help_text=_("What was corrected, or why not."))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    correction = models.ForeignKey(
        StatusEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("correction")
    )
    # Null until notifications has told the reporter (or found nobody to tell): claimed once, by a conditional
    # update, so the reporter hears of the resolution exactly once however many workers and sweeps look.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    FACTS = tuple(FACT_MODELS)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=ReportStatus.OPEN, resolved_at__isnull=True)
                | (
                    ~models.Q(status=ReportStatus.OPEN) & models.Q(resolved_at__isnull=False) & ~models.Q(resolution="")
                ),
                name="report_resolved_with_reason",
                violation_error_message=_("A resolved report says when and how; an open one does neither."),
            ),
        ]
        indexes = [
            # The officials' queue: open reports, oldest first.
            models.Index(fields=["created_at"], condition=models.Q(status=ReportStatus.OPEN), name="report_open_idx"),
            # The sweep's outbox: resolved reports whose reporter has not been told yet.
            models.Index(
                fields=["id"],
                condition=models.Q(announced_at__isnull=True) & ~models.Q(status=ReportStatus.OPEN),
                name="report_unannounced_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Report #{self.pk} on {self.agreement}"

    @property
    def fact(self) -> Model | None:
        return next((getattr(self, name) for name in self.FACTS if getattr(self, f"{name}_id")), None)

    @property
    def fact_label(self) -> str:
        """The reported fact in words, from the rows selectors.reports_visible_to() joins (no query each)."""
        return fact_label(self.fact)


def fact_label(fact: Model | None) -> str:
    """A fact named without reading its agreement (the pages around it name that)."""
    if isinstance(fact, StatusEvent):
        return f"{fact.get_status_display() or _('retraction')}, {fact.effective_on.isoformat()}"
    if isinstance(fact, NegotiationRound):
        return str(_("round %(number)s") % {"number": fact.number})
    if isinstance(fact, Milestone):
        return fact.title
    if isinstance(fact, Participation):
        return fact.state.short_name
    return ""


class Change(models.Model):
    """One write to the record, as NetBox's ObjectChange: who (a user, an API token's user and the token's name,
    or the application with its task or command), through which channel, what (the object and, of its fields,
    only those that changed, before and after), on what evidence (the cited source) and why (a message).

    Written by the services in the same transaction as the change, one INSERT per write. Rows are never changed
    or deleted, and they outlive what they describe: the agreement and source they name are kept by id without
    a database constraint (a deleted agreement's history stays readable), the actor's name is copied.
    """

    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    object_type = models.CharField(_("object type"), max_length=16, choices=ChangedObject.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=300)
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="changes",
        verbose_name=_("agreement"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(_("user"), max_length=150, blank=True)
    token_name = models.CharField(_("API token"), max_length=100, blank=True)
    system = models.CharField(
        _("task or command"), max_length=100, blank=True, help_text=_("What wrote the change when no user did.")
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("cited source"),
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("change to the record")
        verbose_name_plural = _("changes to the record")
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=ChangeAction.values), name="change_action_valid"),
            models.CheckConstraint(
                condition=models.Q(object_type__in=ChangedObject.values), name="change_object_type_valid"
            ),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="change_channel_valid"),
        ]
        indexes = [
            # The agreement page's "Changes to this record" and /changes/?agreement=, newest first.
            models.Index(fields=["agreement", "-id"], name="change_agreement_idx"),
            # /changes/?since= and the feeds: changes after a moment.
            models.Index(fields=["at"], name="change_at_idx"),
            # /changes/?actor=: one user's changes.
            models.Index(fields=["user_name", "-id"], name="change_user_idx"),
            # One object's history (a round's or a source's changes).
            models.Index(fields=["object_type", "object_id"], name="change_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_object_type_display()} {self.object_repr}"

    @property
    def actor_label(self) -> str:
        """Who made the change, as the page and the feeds name them."""
        if self.user_name and self.token_name:
            return str(_("%(user)s (API token “%(token)s”)") % {"user": self.user_name, "token": self.token_name})
        if self.user_name:
            return self.user_name
        return str(_("system (%(what)s)") % {"what": self.system} if self.system else _("system"))

    @property
    def changed_fields(self) -> list[str]:
        return sorted(set(self.before) | set(self.after))
