"""Celery tasks: thin wrappers that take primary keys and call the sweep or the delivery code."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from .delivery import deliver
from .sweep import run_digest, run_sweep

SWEEP_LOCK = "notifications-sweep-lock"
log = logging.getLogger(__name__)


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> dict:
    """Run by beat every minute. A lock keeps a second beat (or a slow sweep) from overlapping; the keys would
    prevent duplicates anyway, the lock only saves work."""
    if not cache.add(SWEEP_LOCK, "1", timeout=settings.NOTIFICATION_SWEEP_SECONDS * 5):
        return {"skipped": "another sweep is running"}
    try:
        return run_sweep().__dict__
    finally:
        cache.delete(SWEEP_LOCK)


@shared_task(name="notifications.digest", ignore_result=True)
def digest() -> int:
    return run_digest()


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    outcome = deliver(notification_id)
    if outcome.state == "retry":
        try:
            deliver_notification.apply_async((notification_id,), countdown=outcome.retry_in)
        except Exception as error:  # noqa: BLE001 - the broker is down: the sweep finds the notice pending
            log.warning("could not queue the retry of notification %s: %s", notification_id, error)
    return outcome.state
