from django import forms
from django.utils.translation import gettext_lazy as _

from .format import BY_NAME


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An XLSX or ODS workbook, a CSV sheet, YAML or JSON, in the record's interchange format."),
    )
    sheet = forms.ChoiceField(
        label=_("Sheet of a CSV file"),
        required=False,
        choices=[("", _("(from the file's name, e.g. events.csv)"))] + [(name, name) for name in BY_NAME],
    )

    @classmethod
    def refusing(cls, message: str) -> "ImportForm":
        """The form with `message` beside its file field: an upload refused before it was read."""
        form = cls(data={})
        form.full_clean()
        form.errors["file"] = form.error_class([message])  # in place of "required": a file was sent
        return form
