"""The Celery application: configured from Django settings (CELERY_*), tasks in <app>/tasks.py."""

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
    reminders can still go out, so that they never stop silently."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
