"""Drive the outbox in process, as the sweep and the workers do (the worker-process tests are in test_faults.py)."""

from notifications import services
from notifications.delivery import deliver
from notifications.models import Notification


def announce_unclaimed() -> None:
    """Announce the status events that no task has claimed yet, as the sweep does."""
    for event_id in services.unannounced_status_events(1000):
        services.status_event_announce(event_id=event_id)


def deliver_all() -> list[str]:
    """Announce what is unannounced, then send every pending notice; the outcome of each."""
    announce_unclaimed()
    return [
        deliver(pk).state
        for pk in Notification.objects.filter(state="pending", digest=False).values_list("pk", flat=True)
    ]
