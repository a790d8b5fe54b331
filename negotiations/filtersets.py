"""FilterSets shared by the dashboard lists and the API (one definition of every filter)."""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parties.models import Grouping, State
from raa_tracker.api.filters import (
    ALPHA3,
    SLUG,
    TYPE_CODE,
    BooleanFilter,
    CodeFilter,
    IsoDateTimeFilter,
    StrictFilterSet,
)
from raa_tracker.provenance import Channel

from . import selectors
from .choices import ChangeAction, ChangedObject, CitationRole, MilestoneKind, MilestoneStatus, ReportStatus, Status
from .models import (
    Agreement,
    AgreementType,
    Change,
    Citation,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _agreements_with_status_between(status: Status, after: object, before: object) -> QuerySet:
    events = StatusEvent.objects.filter(status=status, correction__isnull=True)
    if after:
        events = events.filter(effective_on__gte=after)
    if before:
        events = events.filter(effective_on__lte=before)
    return events.values("agreement")


class AgreementFilterSet(StrictFilterSet):
    # First, so that the status filter below sees the statuses as of that date.
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        widget=DATE,
        label=_("As it stood on (statuses from the history)"),
        validators=[MaxValueValidator(timezone.localdate, message=_("Choose a date no later than today."))],
    )
    q = django_filters.CharFilter(method="search", label=_("Words in titles, summaries and notes"))
    party = CodeFilter(
        queryset=State.objects.all(),
        to_field_name="alpha3",
        field_name="parties__alpha3",
        conjoined=True,
        pattern=ALPHA3,
        label=_("Parties (all of them)"),
    )
    type = CodeFilter(
        queryset=AgreementType.objects.all(),
        to_field_name="code",
        field_name="type__code",
        pattern=TYPE_CODE,
        label=_("Type"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    grouping = CodeFilter(
        queryset=Grouping.objects.all(),
        to_field_name="code",
        method="filter_grouping",
        normalize=str.lower,
        pattern=SLUG,
        label=_("A party belongs to"),
    )
    signed_after = django_filters.DateFilter(method="filter_dates", widget=DATE, label=_("Signed on or after"))
    signed_before = django_filters.DateFilter(method="filter_dates", widget=DATE, label=_("Signed on or before"))
    in_force_after = django_filters.DateFilter(method="filter_dates", widget=DATE, label=_("In force on or after"))
    in_force_before = django_filters.DateFilter(method="filter_dates", widget=DATE, label=_("In force on or before"))
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after (ISO 8601)")
    )
    ordering = django_filters.OrderingFilter(
        fields=["title", "status_since", "updated_at", "created_at", "slug", "status"], label=_("Sort by")
    )

    stale = BooleanFilter(
        method="filter_stale",
        label=_("Not changed or checked for a while (see STALE_AFTER_DAYS)"),
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def filter_stale(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        stale = selectors.stale_agreements(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=stale) if value else queryset.exclude(pk__in=stale)

    def filter_as_of(self, queryset: QuerySet, name: str, day: datetime.date | None) -> QuerySet:
        if day is None:
            return queryset
        return selectors.as_of(queryset, day)

    def filter_status(self, queryset: QuerySet, name: str, statuses: list[str]) -> QuerySet:
        if not statuses:
            return queryset
        field = "as_of_status" if self.form.cleaned_data.get("as_of") else "status"
        return queryset.filter(**{f"{field}__in": statuses})

    def filter_grouping(self, queryset: QuerySet, name: str, groupings: QuerySet) -> QuerySet:
        if not groupings:
            return queryset
        members = Participation.objects.filter(state__groupings__in=groupings).values("agreement")
        return queryset.filter(pk__in=members)

    def filter_dates(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        # `value` is typed: drf-spectacular documents a method filter by that hint (here `format: date`).
        status = Status.SIGNED if name.startswith("signed") else Status.IN_FORCE
        after, before = (value, None) if name.endswith("after") else (None, value)
        return queryset.filter(pk__in=_agreements_with_status_between(status, after, before))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        in_notes = StatusEvent.objects.filter(note__icontains=value).values("agreement")
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(slug__icontains=value) | Q(pk__in=in_notes)
        )


class _AgreementChildFilterSet(StrictFilterSet):
    """Filters shared by rows that belong to an agreement: rounds, milestones, events."""

    agreement = CodeFilter(
        queryset=Agreement.objects.all(),
        to_field_name="slug",
        field_name="agreement__slug",
        normalize=str.lower,
        pattern=SLUG,
        label=_("Agreement (slug); repeat for any of several"),
    )
    party = CodeFilter(
        queryset=State.objects.all(),
        to_field_name="alpha3",
        method="filter_party",
        pattern=ALPHA3,
        label=_("A party to the agreement (alpha-3)"),
    )

    def filter_party(self, queryset: QuerySet, name: str, states: QuerySet) -> QuerySet:
        for state in states:
            queryset = queryset.filter(agreement__in=Participation.objects.filter(state=state).values("agreement"))
        return queryset


class MilestoneFilterSet(_AgreementChildFilterSet):
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due on or after"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due on or before"))
    overdue = BooleanFilter(method="filter_overdue", label=_("Overdue (true) or not (false)"))
    status = django_filters.MultipleChoiceFilter(choices=MilestoneStatus.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=MilestoneKind.choices, distinct=False)
    ordering = django_filters.OrderingFilter(fields=["due_on", "completed_on", "updated_at", "title"])

    class Meta:
        model = Milestone
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # Not called without a value (django-filter skips empty ones); `bool` documents it as a boolean.
        today = timezone.localdate()
        if not value and self.form.cleaned_data.get("status") == [MilestoneStatus.PLANNED]:
            # "Planned and not overdue" is "due today or later": said so, the open-milestone index gives the
            # range instead of reading every past milestone (what the dashboard's "due soon" asks).
            return queryset.filter(due_on__gte=today)
        overdue = Q(status=MilestoneStatus.PLANNED, due_on__lt=today)
        return queryset.filter(overdue if value else ~overdue)


class RoundFilterSet(_AgreementChildFilterSet):
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")
    ordering = django_filters.OrderingFilter(fields=["starts_on", "number", "updated_at"])

    class Meta:
        model = NegotiationRound
        fields: list[str] = []


class EventFilterSet(_AgreementChildFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    effective_after = django_filters.DateFilter(field_name="effective_on", lookup_expr="gte")
    effective_before = django_filters.DateFilter(field_name="effective_on", lookup_expr="lte")
    recorded_since = IsoDateTimeFilter(field_name="recorded_at", lookup_expr="gte")

    class Meta:
        model = StatusEvent
        fields: list[str] = []


class SourceFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search titles and publishers"))
    publisher = django_filters.CharFilter(lookup_expr="iexact")
    language = django_filters.CharFilter()
    ordering = django_filters.OrderingFilter(fields=["published_on", "title", "publisher", "updated_at"])

    class Meta:
        model = Source
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value) | Q(url__icontains=value))


class AgreementTypeFilterSet(StrictFilterSet):
    class Meta:
        model = AgreementType
        fields: list[str] = []


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the reader's time zone (the dashboard's date range is in local days)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ChangeFilterSet(_AgreementChildFilterSet):
    """The change log, by agreement, party, actor, channel and time: the /changes/ page and /api/v1/changes/."""

    actor = django_filters.CharFilter(
        method="filter_actor", label=_("User name, or 'system' for the application's own changes")
    )
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, distinct=False, label=_("Channel"))
    object_type = django_filters.MultipleChoiceFilter(choices=ChangedObject.choices, distinct=False, label=_("Kind"))
    action = django_filters.MultipleChoiceFilter(choices=ChangeAction.choices, distinct=False, label=_("Action"))
    since = IsoDateTimeFilter(field_name="at", lookup_expr="gte", label=_("Changed at or after (ISO 8601)"))
    changed_from = django_filters.DateFilter(method="filter_from", label=_("Changed on or after"), widget=DATE)
    changed_to = django_filters.DateFilter(method="filter_to", label=_("Changed on or before"), widget=DATE)

    class Meta:
        model = Change
        fields: list[str] = []

    def filter_actor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(user_name="") if value.lower() == "system" else queryset.filter(user_name=value)

    def filter_from(self, queryset: QuerySet, name: str, day: datetime.date) -> QuerySet:
        return queryset.filter(at__gte=_start_of(day))

    def filter_to(self, queryset: QuerySet, name: str, day: datetime.date) -> QuerySet:
        return queryset.filter(at__lt=_start_of(day + datetime.timedelta(days=1)))


class CitationFilterSet(_AgreementChildFilterSet):
    role = django_filters.MultipleChoiceFilter(choices=CitationRole.choices, distinct=False)
    event = django_filters.NumberFilter(field_name="event_id")
    round = django_filters.NumberFilter(field_name="round_id")
    milestone = django_filters.NumberFilter(field_name="milestone_id")
    participation = django_filters.NumberFilter(field_name="participation_id")

    class Meta:
        model = Citation
        fields: list[str] = []


class ErrorReportFilterSet(_AgreementChildFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, distinct=False)

    class Meta:
        model = ErrorReport
        fields: list[str] = []
