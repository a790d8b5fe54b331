from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class RaaTrackerConfig(AppConfig):
    """The project package as an app, so that the folders of the embedded defaults are made when a process
    starts (web, worker, command) rather than as a side effect of importing the settings."""

    name = "raa_tracker"
    verbose_name = "raa_tracker"

    def ready(self) -> None:
        folders = [Path(settings.STATIC_ROOT)]
        if not settings.REDIS_URL:
            folders += [settings.CELERY_BROKER_DIR / "queue", settings.CELERY_BROKER_DIR / "control"]
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
