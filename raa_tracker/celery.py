"""The Celery application: configured from Django settings (CELERY_*), tasks in <app>/tasks.py."""

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raa_tracker.settings")

app = Celery("raa_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_KEY = "worker-heartbeat"


@app.task(name="raa_tracker.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every minute and stored by whichever worker runs it: /healthz?workers tells whether
    reminders can still go out, so that they never stop silently. Without a cache there is nowhere to store
    it; /healthz?workers then reports the cache as unavailable, and the next beat tries again."""
    from django.core.cache import cache
    from django.utils import timezone

    from raa_tracker.cache import CacheUnavailable

    try:
        cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
    except CacheUnavailable as error:
        logging.getLogger(__name__).warning("worker heartbeat not stored: %s", error)
