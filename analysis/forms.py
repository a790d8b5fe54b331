"""The question behind the status-counts chart and endpoint: which days, month by month or year by year."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from negotiations.selectors import counting_events

from .counts import INTERVALS, MAX_PERIODS, count_periods

INTERVAL_LABELS = {"month": _("month"), "year": _("year")}


class StatusCountsForm(forms.Form):
    """`from` and `to` (default: the first recorded event and today) and the interval; the API and the
    trends page ask the same question with it, so they refuse the same answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=date, help_text=_("Default: the first recorded event.")
        )
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=date, help_text=_("Default: today."))
        self.fields["interval"] = forms.ChoiceField(
            label=_("Interval"), required=False, choices=[(name, INTERVAL_LABELS[name]) for name in INTERVALS]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if self.errors:
            return data
        end = data.get("to") or timezone.localdate()
        start = data.get("from")
        if start is None:
            start = counting_events().values_list("effective_on", flat=True).first() or end
        interval = data.get("interval") or "month"
        if start > end:
            raise ValidationError({"from": _("Choose a start on or before the end.")})
        if count_periods(start, end, interval) > MAX_PERIODS:
            raise ValidationError({"from": _("Ask for at most %(limit)s periods.") % {"limit": MAX_PERIODS}})
        return data | {"from": start, "to": end, "interval": interval}

    @property
    def question(self) -> tuple[datetime.date, datetime.date, str]:
        return self.cleaned_data["from"], self.cleaned_data["to"], self.cleaned_data["interval"]
