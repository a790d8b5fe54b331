"""The review pages' forms. They shape input; the rules are the services' (intake.services), whose errors
come back beside the fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from negotiations.choices import DatePrecision, MilestoneKind, Status
from negotiations.forms import IsoDateInput
from negotiations.models import AgreementType
from parties.models import State

from .choices import CandidateKind, PartyStep
from .extraction.languages import LANGUAGES
from .models import Candidate

LANGUAGE_NAMES = {"en": _("English"), "de": _("German"), "fr": _("French"), "ja": _("Japanese")}


class ArticleForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), required=False, strip=False,
        help_text=_("Paste the article. Leave it empty to have the address fetched by a worker."),
    )  # fmt: skip
    url = forms.URLField(label=_("Address"), required=False, max_length=500, assume_scheme="https")
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    published_on = forms.DateField(
        label=_("Publication date"), required=False, widget=IsoDateInput(),
        help_text=_("Dates such as “on Thursday” are read against it."),
    )  # fmt: skip
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("detect it")), *((code, LANGUAGE_NAMES[code]) for code in LANGUAGES)],
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is wrong"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AcceptForm(forms.Form):
    """The candidate's fact as it would be recorded; what the reviewer changes is passed on as corrections."""

    type = forms.ModelChoiceField(
        label=_("Agreement type"), queryset=AgreementType.objects.order_by("code"), to_field_name="code",
        required=False,
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *Status.choices], required=False)
    step = forms.ChoiceField(label=_("Party's step"), choices=[("", "—"), *PartyStep.choices], required=False)
    party = forms.ModelChoiceField(
        label=_("Party"), queryset=State.objects.none(), to_field_name="alpha3", required=False
    )
    number = forms.IntegerField(label=_("Round number"), min_value=1, max_value=999, required=False)
    milestone_kind = forms.ChoiceField(
        label=_("Milestone kind"), choices=[("", "—"), *MilestoneKind.choices], required=False
    )
    effective_on = forms.DateField(label=_("Date"), widget=IsoDateInput(), required=False)
    precision = forms.ChoiceField(label=_("Known to the"), choices=[("", "—"), *DatePrecision.choices], required=False)

    FIELDS_BY_KIND = {
        CandidateKind.STATUS: ("type", "status", "effective_on", "precision"),
        CandidateKind.ROUND: ("type", "number", "effective_on", "precision"),
        CandidateKind.MILESTONE: ("type", "milestone_kind", "effective_on", "precision"),
        CandidateKind.PARTICIPATION: ("type", "step", "party", "effective_on", "precision"),
    }

    def __init__(self, *args: Any, candidate: Candidate, **kwargs: Any) -> None:
        self.candidate = candidate
        initial = {
            "type": candidate.type, "status": candidate.status, "step": candidate.step, "party": candidate.party,
            "number": candidate.number, "milestone_kind": candidate.milestone_kind,
            "effective_on": candidate.effective_on, "precision": candidate.precision,
        }  # fmt: skip
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        party = self.fields["party"]
        assert isinstance(party, forms.ModelChoiceField)
        party.queryset = candidate.parties.order_by("short_name")
        shown = self.FIELDS_BY_KIND[CandidateKind(candidate.kind)]
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]

    def corrections(self) -> dict[str, Any]:
        """The fields the reviewer changed, as candidate_accept's overrides."""
        changed = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in ("", None) and getattr(self.candidate, name) in ("", None):
                continue
            if value != getattr(self.candidate, name):
                changed[name] = (
                    value
                    if value is not None
                    else ("" if name in ("status", "step", "precision", "milestone_kind") else None)
                )
        return changed
