"""Values computed from the record, cached until the record changes (see record_cache.models)."""

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from raa_tracker.cache import CacheUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


def current_token() -> str | None:
    """The record's generation, or None when a cached value could be wrong: inside a transaction, whose
    own uncommitted writes have not replaced the token yet."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM record_cache_generation WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def cached(name: str, parts: Iterable[str], compute: Callable[[], T]) -> T:
    """`compute()`, or its value from the cache when the record has not changed since it was stored.

    `parts` must name everything besides the record that the value depends on (URL, time zone, date).
    Errors raised by `compute` are not cached. A cache that is down costs speed, never an answer."""
    seconds = settings.RECORD_CACHE_SECONDS
    token = current_token() if seconds else None
    if token is None:
        return compute()
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    key = f"record:{name}:{token}:{digest}"
    try:
        value = cache.get(key)
    except CacheUnavailable:  # Redis is down; raa_tracker.cache has logged it and will not wait for it again soon
        return compute()
    except Exception:  # noqa: BLE001 - an unreachable cache must not take the page down with it
        log.warning("record cache unavailable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except CacheUnavailable:
            pass
        except Exception:  # noqa: BLE001
            log.warning("record cache unavailable", exc_info=True)
    return value
