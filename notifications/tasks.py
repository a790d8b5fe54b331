"""Celery tasks: thin wrappers that take primary keys and call the sweep or the delivery code."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from celery import Task, shared_task
from celery.result import AsyncResult
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from raa_tracker.cache import CacheUnavailable, breaker_for, warn_once_per_interval

from .choices import DeliveryResult
from .delivery import deliver
from .services import candidates_announce, report_resolution_announce, status_event_announce
from .sweep import run_digest, run_stale_notices, run_sweep

SWEEP_LOCK = "notifications-sweep-lock"
# The key of the sweep's PostgreSQL advisory lock: any constant, unique among this database's advisory locks.
SWEEP_LOCK_ID = 7_263_114
REDIS_PROBE_KEY = "redis-probe"
log = logging.getLogger(__name__)


@contextmanager
def sweep_lock() -> Iterator[bool]:
    """Whether this sweep may run: False while another holds the lock.

    On PostgreSQL the lock is a session advisory lock, which never depends on Redis and ends with the
    connection of a sweep that dies. Elsewhere it is a cache key; without a cache the sweep runs unlocked,
    which is safe: notices have unique keys and are claimed with conditional updates, the lock only saves work.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK_ID])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_ID])
        return
    try:
        acquired = cache.add(SWEEP_LOCK, "1", timeout=settings.NOTIFICATION_SWEEP_SECONDS * 5)
    except CacheUnavailable as error:
        warn_once_per_interval(log, "sweep-lock", "the sweep runs without its lock: %s", error)
        yield True
        return
    try:
        yield acquired
    finally:
        if acquired:
            with suppress(CacheUnavailable):  # the key expires by itself
                cache.delete(SWEEP_LOCK)


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> dict:
    """Run by beat every minute. The lock keeps a second beat (or a slow sweep) from overlapping."""
    with sweep_lock() as acquired:
        if not acquired:
            return {"skipped": "another sweep is running"}
        return run_sweep().__dict__


@shared_task(name="notifications.announce_candidates", ignore_result=True)
def announce_candidates(article_id: int) -> int:
    """Queued by the intake after an article's facts are found; the sweep announces any it missed."""
    return len(candidates_announce(article_id=article_id))


@shared_task(name="notifications.digest", ignore_result=True)
def digest() -> int:
    return run_digest()


@shared_task(name="notifications.stale_notices", ignore_result=True)
def stale_notices() -> int:
    """Run by beat once a day: watchers who asked are told when a watched agreement goes stale."""
    return run_stale_notices()


class QueuedFromRequests(Task):
    """A task that web requests queue after commit. The broker is the cache's Redis: while this process
    has just found it down (raa_tracker.cache's breaker is open), queueing gives up at once with
    CacheUnavailable instead of waiting for the broker's timeouts and retries as well. The notice stays
    pending for the sweep."""

    def apply_async(self, *args: Any, **kwargs: Any) -> AsyncResult[Any]:  # Task.apply_async's, passed on
        if settings.REDIS_URL and not breaker_for(settings.REDIS_URL).closed:
            # Redis failed recently: ask the cache first, which fails at once while the breaker is open and
            # otherwise waits one short cache timeout, not the broker's longer ones and their retries.
            cache.has_key(REDIS_PROBE_KEY)
        return super().apply_async(*args, **kwargs)


@shared_task(name="notifications.status_event", ignore_result=True, base=QueuedFromRequests)
def announce_status_event(event_id: int) -> int:
    """Queued by negotiations (by this name) after a status change commits; the sweep announces what it misses."""
    return len(status_event_announce(event_id=event_id))


@shared_task(name="notifications.report_resolved", ignore_result=True, base=QueuedFromRequests)
def announce_report_resolution(report_id: int) -> int:
    """Queued by negotiations (by this name) when a report is resolved; the sweep announces what it misses."""
    return len(report_resolution_announce(report_id=report_id))


@shared_task(name="notifications.deliver", ignore_result=True, base=QueuedFromRequests)
def deliver_notification(notification_id: int) -> str:
    outcome = deliver(notification_id)
    if outcome.state == DeliveryResult.RETRY:
        try:
            deliver_notification.apply_async((notification_id,), countdown=outcome.retry_in)
        except Exception as error:  # noqa: BLE001 - the broker is down: the sweep finds the notice pending
            log.warning("could not queue the retry of notification %s: %s", notification_id, error)
    return outcome.state
