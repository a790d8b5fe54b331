"""Strict JSON types for every writing serializer: 12 is not a string and "12" is not a number.

DRF coerces by default; an API that external tools code against should say when they send the wrong type.
"""

from typing import Any

from rest_framework import serializers

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
