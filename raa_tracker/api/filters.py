"""The base of every FilterSet: unknown parameters and malformed values are a 400 that names the parameter.

The OpenAPI schema is read from these filters (drf-spectacular), so each filter says the shape it accepts:
dates are `format: date`, booleans `true`/`false`, codes a pattern; what a pattern cannot say (that a
well-formed code names a record) is the 400 "Unknown code"."""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Model, QuerySet
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request

# Parameters that are not filters but are understood by every list.
GENERAL_PARAMETERS = {"page", "page_size", "format", "ordering", "cursor"}

# Query parameters: a QueryDict (repeated parameters) from a request, or a plain dict.
Parameters = MultiValueDict[str, Any] | Mapping[str, Any]


class StrictFilterSet(django_filters.FilterSet):
    """Through the API (a DRF request) a parameter sent empty is refused too: a form's empty field means "any",
    but a client's empty value is usually a variable that was never set, and must not widen the answer."""

    def __init__(
        self, data: MultiValueDict[str, Any] | dict[str, Any] | None = None, *args: Any, **kwargs: Any
    ) -> None:
        # A NUL character cannot reach PostgreSQL: such parameters are refused before any query is built.
        parameters = data or {}
        self.nul_parameters = sorted(
            name for name in parameters if any("\x00" in str(v) for v in _values(parameters, name))
        )
        if self.nul_parameters:
            data = parameters.copy()
            for name in self.nul_parameters:
                del data[name]
        from_api = isinstance(kwargs.get("request"), Request)
        self.empty_parameters = parameters_sent_empty(data) if from_api else []
        super().__init__(data, *args, **kwargs)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        unknown = sorted(set(self.data) - set(self.filters) - GENERAL_PARAMETERS)
        for name in unknown:
            self.form.errors[name] = self.form.error_class([_("Unknown parameter.")])
        for name in self.nul_parameters:
            self.form.errors[name] = self.form.error_class([_("Null characters are not allowed.")])
        for name in set(self.empty_parameters) - set(unknown):
            self.form.errors[name] = self.form.error_class([EMPTY_VALUE])
        return valid and not unknown and not self.nul_parameters and not self.empty_parameters


EMPTY_VALUE = _("Enter a value, or leave the parameter out.")


def parameters_sent_empty(data: Parameters | None) -> list[str]:
    """The query parameters given at least once with an empty value (`?to=`), which the API refuses."""
    parameters = data or {}
    return sorted(name for name in parameters if "" in _values(parameters, name))


def _values(data: Parameters, name: str) -> list[Any]:
    """Every value of a parameter, from a QueryDict (repeated parameters) or a plain dict."""
    return data.getlist(name) if hasattr(data, "getlist") else [data[name]]


# Shapes of the codes the CodeFilters take (before their normalisation: any case, surrounding blanks).
ALPHA3 = r"^\s*[A-Za-z]{3}\s*$"
SLUG = r"^\s*[-A-Za-z0-9_]+\s*$"
TYPE_CODE = r"^\s*[A-Za-z][-A-Za-z0-9]*\s*$"


class CodeField(forms.ModelMultipleChoiceField):
    """Codes such as JPN, raa or G7, in any case; an unknown one is named in the error."""

    def __init__(self, *args: Any, normalize: Callable[[str], str] = str.upper, **kwargs: Any) -> None:
        self.normalize = normalize
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> QuerySet[Model]:
        if isinstance(value, list | tuple):
            value = [self.normalize(str(v).strip()) for v in value]
        return super().clean(value)

    def _check_values(self, value: list[str]) -> QuerySet[Model]:
        key, queryset = self.to_field_name, self.queryset
        assert key is not None and queryset is not None  # a CodeFilter names both
        found = {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": value})}
        missing = [v for v in value if v not in found]
        if missing:
            # The codes go in as params, never into the message itself: they are user input and may hold a '%'.
            raise forms.ValidationError(
                _("Unknown code: %(codes)s."), code="invalid_choice", params={"codes": ", ".join(missing)}
            )
        return queryset.filter(pk__in=[obj.pk for obj in found.values()])


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows by the codes of related objects. No DISTINCT: it would stop PostgreSQL using the list's index,
    and a row matches one party or type once (participations are unique per state)."""

    field_class = CodeField

    def __init__(self, *args: Any, pattern: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
        if pattern:  # the schema of one value (the parameter is a list of them)
            set_override(self, "field", {"type": "string", "pattern": pattern})


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (also `1`/`0`); anything else is refused, where Django's select would read "unknown"."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: object) -> bool | None:  # type: ignore[override]  # NullBooleanField's: None is unknown
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(_("Enter true or false."), code="invalid") from None

    def validate(self, value: object) -> None:
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, taken to UTC before it reaches the database: PostgreSQL refuses offsets beyond
    ±15:59, which RFC 3339 allows (up to ±23:59); a moment outside years 1-9999 in UTC is refused."""

    def to_python(self, value: object) -> datetime.datetime | None:
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            message = _("Enter a moment between the years 1 and 9999 (UTC).")
            raise forms.ValidationError(message, code="invalid") from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField
