"""The base of every FilterSet: unknown parameters and malformed values are a 400 that names the parameter."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# Parameters that are not filters but are understood by every list.
GENERAL_PARAMETERS = {"page", "page_size", "format", "ordering", "cursor"}


class StrictFilterSet(django_filters.FilterSet):
    def __init__(self, data: object = None, *args: object, **kwargs: object) -> None:
        # A NUL character cannot reach PostgreSQL: such parameters are refused before any query is built.
        def values(name: str) -> list:
            return data.getlist(name) if hasattr(data, "getlist") else [data[name]]

        self.nul_parameters = sorted(name for name in (data or {}) if any("\x00" in str(v) for v in values(name)))
        if self.nul_parameters:
            data = data.copy()
            for name in self.nul_parameters:
                del data[name]
        super().__init__(data, *args, **kwargs)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        unknown = sorted(set(self.data) - set(self.filters) - GENERAL_PARAMETERS)
        for name in unknown:
            self.form.errors[name] = self.form.error_class([_("Unknown parameter.")])
        for name in self.nul_parameters:
            self.form.errors[name] = self.form.error_class([_("Null characters are not allowed.")])
        return valid and not unknown and not self.nul_parameters


class CodeField(forms.ModelMultipleChoiceField):
    """Codes such as JPN, raa or G7, in any case; an unknown one is named in the error."""

    def __init__(self, *args: object, normalize: object = str.upper, **kwargs: object) -> None:
        self.normalize = normalize
        super().__init__(*args, **kwargs)

    def clean(self, value: object) -> QuerySet:
        if isinstance(value, list | tuple):
            value = [self.normalize(str(v).strip()) for v in value]
        return super().clean(value)

    def _check_values(self, value: list[str]) -> QuerySet:
        key = self.to_field_name
        found = {getattr(obj, key): obj for obj in self.queryset.filter(**{f"{key}__in": value})}
        missing = [v for v in value if v not in found]
        if missing:
            # The codes go in as params, never into the message itself: they are user input and may hold a '%'.
            raise forms.ValidationError(
                _("Unknown code: %(codes)s."), code="invalid_choice", params={"codes": ", ".join(missing)}
            )
        return self.queryset.filter(pk__in=[obj.pk for obj in found.values()])


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows by the codes of related objects. No DISTINCT: it would stop PostgreSQL using the list's index,
    and a row matches one party or type once (participations are unique per state)."""

    field_class = CodeField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
