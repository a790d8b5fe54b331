"""The Celery application: configured from Django settings (CELERY_*), tasks in <app>/tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raa_tracker.settings")

app = Celery("raa_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
