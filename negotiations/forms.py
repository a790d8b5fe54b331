import datetime
from typing import Any, TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parties.models import State
from raa_tracker.versions import version_of

from .choices import CitationRole, DatePrecision, Status
from .models import Agreement, ErrorReport, Milestone, NegotiationRound, Source, StatusEvent
from .services import SourceDetails, transition_check


class IsoDateInput(forms.DateInput):
    """The browser's date picker. It takes only yyyy-mm-dd, so the value is never in the page's locale format
    (German "31.12.2024" would be dropped, and the field shown empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _cleaned(data: dict[str, Any] | None) -> dict[str, Any]:
    """What Form.clean() returned: the form's cleaned_data (the stubs allow an override to return None)."""
    assert data is not None
    return data


def _offer(field: forms.Field, queryset: QuerySet[Model]) -> None:
    """Offer these rows in a model choice field of the form."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class TransitionArguments(TypedDict):
    """A status change as services.agreement_transition takes it (without the actor)."""

    agreement: Agreement
    status: Status | str
    effective_on: datetime.date
    date_precision: str
    place: str
    source: Source | None
    no_source_reason: str
    note: str
    corrects: StatusEvent | None
    correction_reason: str


class NewSource(SourceDetails):
    """A source entered beside a change, as services.source_find_or_record takes it."""

    url: str


class StatusEventForm(forms.ModelForm):
    """A status change (or an administrator's correction), checked against the lifecycle before saving."""

    class Meta:
        model = StatusEvent
        fields = [
            "agreement",
            "status",
            "effective_on",
            "date_precision",
            "place",
            "source",
            "no_source_reason",
            "note",
            "corrects",
            "correction_reason",
        ]
        help_texts = {
            "status": _("Leave empty only to retract a wrong entry (with 'corrects' and a reason)."),
            "corrects": _("Administrators only: the wrong entry this one replaces. It stays in the history."),
        }

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        agreement, effective_on = data.get("agreement"), data.get("effective_on")
        if agreement and effective_on and not self.errors:
            status = data.get("status") or ""
            if status or data.get("corrects"):
                transition_check(
                    agreement=agreement, status=status, effective_on=effective_on, corrects=data.get("corrects")
                )
        return data

    def transition_arguments(self) -> TransitionArguments:
        data = self.cleaned_data
        return {
            "agreement": data["agreement"],
            "status": Status(data["status"]) if data["status"] else "",
            "effective_on": data["effective_on"],
            "date_precision": data["date_precision"],
            "place": data["place"],
            "source": data["source"],
            "no_source_reason": data["no_source_reason"],
            "note": data["note"],
            "corrects": data["corrects"],
            "correction_reason": data["correction_reason"],
        }


class VersionedForm(forms.Form):
    """Carries the version of the record it was rendered from, so that saving over a newer change is refused."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


class VersionedModelForm(forms.ModelForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class NewSourceFields(forms.Form):
    """A source cited for the first time, entered beside the change it supports."""

    new_source_title = forms.CharField(label=_("Title of a new source"), max_length=300, required=False)
    new_source_publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    new_source_url = forms.URLField(label=_("Address (URL)"), max_length=500, required=False, assume_scheme="https")
    new_source_published_on = forms.DateField(label=_("Publication date"), required=False, widget=IsoDateInput())
    new_source_language = forms.CharField(label=_("Language"), max_length=16, required=False, initial="en")
    no_public_source = forms.BooleanField(
        label=_("No public source"), required=False, help_text=_("Only when no publication can be cited.")
    )
    no_source_reason = forms.CharField(
        label=_("Why there is no public source"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the fact is known, e.g. “announced at a press briefing, not published”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # Form's arguments, passed on
        super().__init__(*args, **kwargs)
        reason = str(getattr(getattr(self, "instance", None), "no_source_reason", ""))
        if reason:
            self.fields["no_public_source"].initial = True
            self.fields["no_source_reason"].initial = reason

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        if data.get("new_source_title") and not data.get("new_source_publisher"):
            self.add_error("new_source_publisher", _("Name the publisher of the new source."))
        if data.get("source") and data.get("new_source_title"):
            self.add_error("new_source_title", _("Choose a stored source or enter a new one, not both."))
        cited = data.get("source") or data.get("new_source_title")
        if data.get("no_public_source"):
            if cited:
                self.add_error("no_public_source", _("Cite a source or choose “no public source”, not both."))
            elif not (data.get("no_source_reason") or "").strip():
                self.add_error("no_source_reason", _("Say why there is no public source."))
        return data

    def missing_source_reason(self) -> str:
        """The reason to store: only when "no public source" is chosen."""
        data = self.cleaned_data
        return (data.get("no_source_reason") or "").strip() if data.get("no_public_source") else ""

    def new_source(self) -> NewSource | None:
        data = self.cleaned_data
        if not data.get("new_source_title"):
            return None
        return {
            "title": data["new_source_title"],
            "publisher": data["new_source_publisher"],
            "url": data.get("new_source_url") or "",
            "published_on": data.get("new_source_published_on"),
            "language": data.get("new_source_language") or "en",
        }


def source_choices(agreement: Agreement) -> QuerySet[Source]:
    """The sources offered in a form: those already cited for this agreement and the most recent ones."""
    cited = Source.objects.filter(
        Q(events__agreement=agreement)
        | Q(rounds__agreement=agreement)
        | Q(milestones__agreement=agreement)
        | Q(participations__agreement=agreement)
    ).values("pk")
    recent = Source.objects.order_by("-created_at").values("pk")[:50]
    return Source.objects.filter(Q(pk__in=cited) | Q(pk__in=recent)).order_by("publisher", "title")


class StatusChangeForm(NewSourceFields, VersionedForm):
    """An official's record of a status change, checked against the lifecycle before it is saved."""

    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    effective_on = forms.DateField(label=_("Effective date"), widget=IsoDateInput())
    date_precision = forms.ChoiceField(
        label=_("The date is exact to the"), choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["status", "effective_on", "date_precision", "place", "source", "note"]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:  # Form's arguments, passed on
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        _offer(self.fields["source"], source_choices(agreement))
        self.fields["version"].initial = version_of(agreement)

    corrects: StatusEvent | None = None  # the entry a correction replaces (ReportCorrectionForm)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") and data.get("effective_on") and "status" not in self.errors:
            try:
                transition_check(
                    agreement=self.agreement,
                    status=data["status"],
                    effective_on=data["effective_on"],
                    corrects=self.corrects,
                )
            except ValidationError as refused:
                self.add_error("status", refused.messages)
        return data


class _DatePrecisionField:
    """A date's precision beside it (a round known to start in June 2025 starts in 2025-06): a day unless the
    form says otherwise, so a form that leaves it out records a day, as before the field existed."""

    precision_fields: tuple[str, ...] = ()
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _offer_precision(self) -> None:
        for name in self.precision_fields:
            self.fields[name].required = False
            self.fields[name].initial = DatePrecision.DAY

    def _precision(self, name: str) -> str:
        return self.cleaned_data.get(name) or DatePrecision.DAY


class RoundForm(_DatePrecisionField, NewSourceFields, VersionedModelForm):
    precision_fields = ("starts_precision",)

    class Meta:
        model = NegotiationRound
        fields = ["number", "starts_on", "starts_precision", "ends_on", "place", "host", "summary", "source"]
        widgets = {
            "starts_on": IsoDateInput(),
            "ends_on": IsoDateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:  # ModelForm's arguments, passed on
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self._offer_precision()
        _offer(self.fields["source"], source_choices(agreement))
        _offer(self.fields["host"], State.objects.order_by("short_name"))
        if self.instance.pk:
            self.fields["version"].initial = version_of(self.instance)
        else:
            self.fields["number"].initial = (agreement.rounds.aggregate(n=Max("number"))["n"] or 0) + 1

    def clean_starts_precision(self) -> str:
        return self._precision("starts_precision")


class MilestoneForm(_DatePrecisionField, NewSourceFields, VersionedModelForm):
    precision_fields = ("due_precision",)

    class Meta:
        model = Milestone
        fields = [
            "kind", "title", "due_on", "due_precision", "status", "completed_on", "responsible_party", "note",
            "source",
        ]  # fmt: skip
        widgets = {
            "due_on": IsoDateInput(),
            "completed_on": IsoDateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:  # ModelForm's arguments, passed on
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self._offer_precision()
        _offer(self.fields["source"], source_choices(agreement))
        _offer(self.fields["responsible_party"], State.objects.filter(participations__agreement=agreement))
        if self.instance.pk:
            self.fields["version"].initial = version_of(self.instance)

    def clean_due_precision(self) -> str:
        return self._precision("due_precision")


class SourceForm(_DatePrecisionField, forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, required=False, assume_scheme="https")
    precision_fields = ("published_precision",)

    class Meta:
        model = Source
        fields = ["title", "publisher", "url", "published_on", "published_precision", "language"]
        widgets = {"published_on": IsoDateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # ModelForm's arguments, passed on
        super().__init__(*args, **kwargs)
        self._offer_precision()

    def clean_published_precision(self) -> str:
        return self._precision("published_precision")


class ConfirmCurrentForm(VersionedForm):
    """An official's "still accurate as of today", citing the latest source."""

    source = forms.ModelChoiceField(
        label=_("Latest source"), queryset=Source.objects.none(), help_text=_("The publication that shows it.")
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:  # Form's arguments, passed on
        super().__init__(*args, **kwargs)
        _offer(self.fields["source"], source_choices(agreement))


class ErrorReportForm(forms.ModelForm):
    """A reader says a fact is wrong: what, and if possible a source that shows it."""

    source_url = forms.URLField(
        label=_("a source that shows it"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = ErrorReport
        fields = ["note", "source_url"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"note": _("What is wrong, and what is right if you know it.")}


class ReportDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the record stands"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportCorrectedForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was corrected"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportCorrectionForm(StatusChangeForm):
    """The correction of a reported status change: the entry that replaces it, and what was corrected."""

    resolution = forms.CharField(
        label=_("What was corrected"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, report: ErrorReport, **kwargs: Any) -> None:  # Form's arguments, passed on
        self.corrects = report.event
        super().__init__(*args, agreement=report.agreement, **kwargs)
        if report.event is not None and not self.is_bound:
            event = report.event
            self.fields["status"].initial = event.status
            self.fields["effective_on"].initial = event.effective_on
            self.fields["date_precision"].initial = event.date_precision


class CitationForm(NewSourceFields):
    """A further source for one fact: a stored source or a new one, what it says of the fact, the sentence."""

    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.none(), required=False)
    role = forms.ChoiceField(label=_("The source"), choices=CitationRole.choices, initial=CitationRole.STATES)
    quote = forms.CharField(
        label=_("Quote"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The sentence the citation rests on, as published (in the source's language)."),
    )

    field_order = ["source", "role", "quote"]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:  # Form's arguments, passed on
        super().__init__(*args, **kwargs)
        _offer(self.fields["source"], source_choices(agreement))
        del self.fields["no_public_source"], self.fields["no_source_reason"]  # a citation is a source

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("source") and not data.get("new_source_title") and "source" not in self.errors:
            self.add_error("source", _("Choose a stored source or enter a new one."))
        return data
