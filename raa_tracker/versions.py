"""The version of a record, for optimistic concurrency: the API's ETag and the forms' hidden `version` field.

A write compares the version its client read with the row's current one under a row lock; a mismatch means
someone else saved in between, and the write is refused rather than silently overwriting their change.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _


def version_of(obj: Model) -> str:
    stamp = getattr(obj, "updated_at", None) or getattr(obj, "recorded_at", None)
    text = f"{obj._meta.label}:{obj.pk}:{stamp.isoformat() if stamp else ''}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class StaleVersion(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this record after you opened the form. Reload the page to see their change."),
            code="stale",
        )


def check_version(obj: Model, version: str) -> None:
    """Raise StaleVersion unless `version` is the current version of `obj` (which the caller has locked)."""
    if version != version_of(obj):
        raise StaleVersion()
