"""Strict write bodies for every writing serializer: known fields only, each of its JSON type.

DRF coerces types and ignores unknown keys by default; an API that external tools code against should say
when they send the wrong type ("12" is not a number) or a field that does not exist (a typo changes nothing).
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

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


_UNSET = object()

if TYPE_CHECKING:
    # What the mixin extends: the serializer it is mixed into (at run time a plain class, as DRF's own mixins).
    _SerializerBase = serializers.Serializer[Any]
else:
    _SerializerBase = object


class StrictTypesMixin(_SerializerBase):
    """Strict writes: a JSON object whose every key names a writable field, each value of its JSON type.

    An unknown key (a typo such as `sumary`) is refused, not ignored; a read-only field is refused unless it
    repeats the current value (so a client may send back what it read). Nested serializers refuse in their
    own place, as DRF names nested errors (`participations[1].sumary`: {"participations": {"1": {"sumary": …}}}).
    """

    def current_instance(self, data: Mapping[str, Any]) -> object | None:
        """The stored object `data` would change (None when it creates one); nested serializers override."""
        instance = getattr(self, "instance", None)
        return None if instance is None or isinstance(instance, list | QuerySet) else instance

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("Expected a JSON object, got %(type)s.") % {"type": _json_type(data)}
                    ]
                }
            )
        errors: dict[str, list[str]] = {}
        current: object = _UNSET
        for name in data:
            field = self.fields.get(name)
            if field is None:
                errors[name] = [_("Unknown field.")]
            elif field.read_only:
                if current is _UNSET:
                    current = self.current_instance(data)
                if current is None or not _repeats(field, current, data[name]):
                    errors[name] = [_("Read-only field; it cannot be changed.")]
            else:
                message = _type_error(field, data[name])
                if message:
                    errors[name] = [message]
        if errors:  # the refused values never reach DRF's fields (a number for a date would not parse)
            data = {name: value for name, value in data.items() if name not in errors}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as refusal:
            if not isinstance(refusal.detail, dict):
                raise
            raise serializers.ValidationError({**refusal.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


def _repeats(field: serializers.Field, instance: object, value: Any) -> bool:
    """Whether `value` is the field's current representation of `instance`."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return False
    if attribute is None:
        return value is None
    return field.to_representation(attribute) == value


def _json_type(data: Any) -> str:
    if isinstance(data, list):
        return _("an array")
    if isinstance(data, str):
        return _("a string")
    if isinstance(data, bool):
        return _("a boolean")
    if isinstance(data, int | float):
        return _("a number")
    return "null" if data is None else type(data).__name__


# Stand-ins that match every lookup pattern in use (slugs and codes, numeric ids, alpha-3 codes).
PLACEHOLDERS = ("lookup-placeholder", "999999999999999999", "ZZZ")


def url_template(request: HttpRequest, view_name: str, kwarg: str, format: str | None = None) -> tuple[str, str]:
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


def list_url(request: HttpRequest, view_name: str) -> str:
    """The absolute URL of a list view, reversed once per request (see url_template)."""
    cache = request.__dict__.setdefault("_url_templates", {})
    if view_name not in cache:
        cache[view_name] = reverse(view_name, request=request)
    return cache[view_name]


def fill_url(request: HttpRequest, view_name: str, kwarg: str, value: object, format: str | None = None) -> str:
    prefix, suffix = url_template(request, view_name, kwarg, format)
    return f"{prefix}{value}{suffix}"


class CachedHyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """A HyperlinkedIdentityField that fills a per-request URL template instead of reversing every row."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        lookup_value = getattr(obj, self.lookup_field, None)
        if lookup_value in (None, ""):
            return None
        return fill_url(request, view_name, self.lookup_url_kwarg, lookup_value, format)
