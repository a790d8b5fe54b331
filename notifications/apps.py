from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the tasks in every process, the web's included: negotiations queues
        # "notifications.status_event" by name (raa_tracker.celery.queue_after_commit).
        from . import tasks  # noqa: F401
