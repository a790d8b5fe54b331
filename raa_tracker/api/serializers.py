"""Strict JSON types for every writing serializer: 12 is not a string and "12" is not a number.

DRF coerces by default; an API that external tools code against should say when they send the wrong type.
"""

from typing import Any

from django.urls import NoReverseMatch
from rest_framework import serializers
from rest_framework.reverse import reverse

_EXPECTED = (
    (serializers.BooleanField, (bool,), "a boolean"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.DateTimeField, (str,), "a date-time string"),
    (serializers.DateField, (str,), "a date string (YYYY-MM-DD)"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.CharField, (str,), "a string"),
)


def _type_error(field: serializers.Field, value: Any) -> str | None:
    if value is None:
        return None
    for field_class, types, description in _EXPECTED:
        if isinstance(field, field_class):
            if isinstance(value, bool) and bool not in types:
                return f"Expected {description}, got a boolean."
            return None if isinstance(value, types) else f"Expected {description}."
    return None


class StrictTypesMixin:
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                message = _type_error(field, data[name])
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


# Stand-ins that match every lookup pattern in use (slugs and codes, numeric ids, alpha-3 codes).
PLACEHOLDERS = ("lookup-placeholder", "999999999999999999", "ZZZ")


def url_template(request: object, view_name: str, kwarg: str, format: str | None = None) -> tuple[str, str]:
    """The absolute URL of `view_name` split around its lookup value, reversed once per request.

    Lists build thousands of links; reversing each one costs more than the rest of a row's serialisation.
    """
    cache = request.__dict__.setdefault("_url_templates", {})
    key = (view_name, kwarg, format)
    if key not in cache:
        for placeholder in PLACEHOLDERS:
            try:
                url = reverse(view_name, kwargs={kwarg: placeholder}, request=request, format=format)
            except NoReverseMatch:
                continue
            at = url.rfind(placeholder)
            cache[key] = (url[:at], url[at + len(placeholder) :])
            break
        else:
            raise NoReverseMatch(f"No placeholder fits the lookup of {view_name}.")
    return cache[key]


def list_url(request: object, view_name: str) -> str:
    """The absolute URL of a list view, reversed once per request (see url_template)."""
    cache = request.__dict__.setdefault("_url_templates", {})
    if view_name not in cache:
        cache[view_name] = reverse(view_name, request=request)
    return cache[view_name]


def fill_url(request: object, view_name: str, kwarg: str, value: object, format: str | None = None) -> str:
    prefix, suffix = url_template(request, view_name, kwarg, format)
    return f"{prefix}{value}{suffix}"


class CachedHyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """A HyperlinkedIdentityField that fills a per-request URL template instead of reversing every row."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        lookup_value = getattr(obj, self.lookup_field, None)
        if lookup_value in (None, ""):
            return None
        return fill_url(request, view_name, self.lookup_url_kwarg, lookup_value, format)
