"""The format's values: dates as far as they are known, and a row's typed values."""

import datetime
import re
from typing import Any

from django.db import models

from negotiations.choices import DatePrecision

_DATE_FORMS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}"), DatePrecision.DAY),
    (re.compile(r"\d{4}-\d{2}"), DatePrecision.MONTH),
    (re.compile(r"\d{4}"), DatePrecision.YEAR),
]


def parse_date(value: object) -> tuple[datetime.date, str] | None:
    """A date as the format writes it, with how much of it is known; None when it is no date."""
    if isinstance(value, datetime.datetime):
        return (value.date(), DatePrecision.DAY) if value.time() == datetime.time() else None
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 1000 <= value <= 9999:
        return datetime.date(value, 1, 1), DatePrecision.YEAR
    if not isinstance(value, str):
        return None
    for pattern, precision in _DATE_FORMS:
        if pattern.fullmatch(value):
            parts = [int(part) for part in value.split("-")] + [1, 1]
            try:
                return datetime.date(parts[0], parts[1], parts[2]), precision
            except ValueError:
                return None
    return None


def format_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """The format's text for a date: as far as it is known."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return getattr(value, "alpha3", None) or getattr(value, "code", None) or str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class Values(dict[str, Any]):
    """A row's typed values; a date column's precision is under `<column>:precision`."""

    def precision(self, name: str) -> str:
        return self.get(f"{name}:precision", DatePrecision.DAY)
