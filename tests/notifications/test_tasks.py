"""The Celery tasks (notifications.tasks), run in process: each loads by id and is safe to run twice."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, connections

from negotiations.choices import Status
from notifications import services, tasks
from notifications.models import Notification
from tests.factories import AgreementFactory, UserFactory, transition

from .outbox import announce_unclaimed
from .receiver import webhook_receiver

pytestmark = pytest.mark.django_db


def test_a_status_event_is_announced_once_however_often_the_task_runs() -> None:
    agreement = AgreementFactory()
    services.watch_set(user=UserFactory(), agreement=agreement)
    event = transition(agreement, Status.NEGOTIATING, on=datetime.date(2024, 6, 1))

    with mock.patch("notifications.services.enqueue"):
        runs = [tasks.announce_status_event(event.pk) for _ in range(3)]

    assert runs == [1, 0, 0]
    assert Notification.objects.filter(event=event).count() == 1


def test_a_delivery_to_retry_is_queued_again_after_its_delay(analyst: object) -> None:
    agreement = AgreementFactory()
    with webhook_receiver(statuses=[503]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=agreement, email=False, webhooks=[endpoint])
        transition(agreement, Status.NEGOTIATING, on=datetime.date(2024, 6, 1))
        announce_unclaimed()
        notice = Notification.objects.get()
        with mock.patch.object(tasks.deliver_notification, "apply_async") as requeue:
            assert tasks.deliver_notification(notice.pk) == "retry"
    requeue.assert_called_once()
    assert requeue.call_args.args == ((notice.pk,),) and requeue.call_args.kwargs["countdown"] > 0
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == ("pending", 1)


def test_a_retry_that_cannot_be_queued_is_left_to_the_sweep(analyst: object) -> None:
    agreement = AgreementFactory()
    with webhook_receiver(statuses=[503]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=agreement, email=False, webhooks=[endpoint])
        transition(agreement, Status.NEGOTIATING, on=datetime.date(2024, 6, 1))
        announce_unclaimed()
        notice = Notification.objects.get()
        broker_down = mock.patch.object(tasks.deliver_notification, "apply_async", side_effect=ConnectionError)
        with broker_down:
            assert tasks.deliver_notification(notice.pk) == "retry"
    notice.refresh_from_db()
    assert notice.state == "pending", "the sweep finds it pending and sends it again"


def test_a_sweep_is_skipped_while_another_holds_the_lock() -> None:
    if connection.vendor == "postgresql":
        other = connections.create_connection("default")  # another session, as a second beat's worker would be
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [tasks.SWEEP_LOCK_ID])
        try:
            assert tasks.sweep() == {"skipped": "another sweep is running"}
        finally:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [tasks.SWEEP_LOCK_ID])
            other.close()
    else:
        cache.add(tasks.SWEEP_LOCK, "1")
        assert tasks.sweep() == {"skipped": "another sweep is running"}
        cache.delete(tasks.SWEEP_LOCK)
    report = tasks.sweep()
    assert set(report) == {"status_changes", "reminders", "reclaimed", "queued"}
