from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Status
from .models import StatusEvent
from .services import transition_check


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
            "note",
            "corrects",
            "correction_reason",
        ]
        help_texts = {
            "status": _("Leave empty only to retract a wrong entry (with 'corrects' and a reason)."),
            "corrects": _("Administrators only: the wrong entry this one replaces. It stays in the history."),
        }

    def clean(self) -> dict:
        data = super().clean()
        agreement, effective_on = data.get("agreement"), data.get("effective_on")
        if agreement and effective_on and not self.errors:
            status = data.get("status") or ""
            if status or data.get("corrects"):
                transition_check(
                    agreement=agreement, status=status, effective_on=effective_on, corrects=data.get("corrects")
                )
        return data

    def transition_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "agreement": data["agreement"],
            "status": Status(data["status"]) if data["status"] else "",
            "effective_on": data["effective_on"],
            "date_precision": data["date_precision"],
            "place": data["place"],
            "source": data["source"],
            "note": data["note"],
            "corrects": data["corrects"],
            "correction_reason": data["correction_reason"],
        }
