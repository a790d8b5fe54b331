"""What every app's services share: the row lock and version check that a write of an existing row begins with.

Only services lock rows (views, serializers, the admin and commands call them), so each write holds its lock
for exactly the work that needs it, and the version check a client asked for is made under that lock.
"""

from typing import TypeVar

from django.db import transaction
from django.db.models import Model

from .versions import check_version

M = TypeVar("M", bound=Model)


def locked_for_write(obj: M, expected_version: str | None = None) -> M:
    """The current row of `obj`, locked until the caller's transaction ends (the caller opens it).

    With `expected_version` (the version a client read: a form's hidden field, the API's If-Match) the write is
    refused with StaleVersion when someone else saved the row since; of two writes from the same version,
    exactly one succeeds. Without it, writes are only serialised."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked_for_write() needs a transaction: call it inside transaction.atomic().")
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None:
        check_version(locked, expected_version)
    return locked
