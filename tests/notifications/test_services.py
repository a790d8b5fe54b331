"""Watches, webhooks and the announcement of status changes from the outbox (notifications.services)."""

import datetime
import json
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from negotiations.choices import Status
from negotiations.lifecycle import TransitionRefused
from negotiations.models import Agreement
from notifications import services
from notifications.models import Notification
from notifications.signing import verify
from tests.factories import AgreementFactory, StateFactory, transition

from .outbox import deliver_all
from .receiver import webhook_receiver

pytestmark = pytest.mark.django_db


def test_watchers_of_an_agreement_merge_agreement_state_and_everything(analyst: object, official_fr: object) -> None:
    state = StateFactory()
    agreement = AgreementFactory(parties=[state, StateFactory()])
    services.watch_set(user=analyst, agreement=agreement, lead_days=[7])
    services.watch_set(user=analyst, state=state, lead_days=[30], email=False)
    services.watch_set(user=official_fr, everything=True, status_changes="digest")
    watchers = services.watchers_for([agreement.pk])[agreement.pk]
    assert watchers[analyst.pk].lead_days == {7, 30} and watchers[analyst.pk].email
    assert watchers[official_fr.pk].status_changes == "digest"
    another_of_the_state = AgreementFactory(parties=[state, StateFactory()])
    assert services.watchers_for([another_of_the_state.pk]).popitem()[1].keys() == {
        analyst.pk,
        official_fr.pk,
    }


def test_a_watch_needs_exactly_one_target(analyst: object) -> None:
    with pytest.raises(ValidationError):
        services.watch_set(user=analyst)
    with pytest.raises(ValidationError):
        services.watch_set(user=analyst, everything=True, lead_days=[400])


def test_status_change_is_announced_from_its_event_after_commit_and_once(
    analyst: object, official_jp: object, django_capture_on_commit_callbacks: object
) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    with webhook_receiver() as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=france_japan, webhooks=[endpoint])
        with (
            mock.patch("notifications.services.enqueue") as enqueue,
            mock.patch("notifications.tasks.announce_status_event.apply_async") as nudge,
        ):
            with django_capture_on_commit_callbacks(execute=False) as on_commit:
                event = transition(
                    france_japan, Status.AGREED_IN_PRINCIPLE, on=datetime.date(2025, 1, 15), actor=official_jp
                )
                assert not nudge.called and not enqueue.called, "nothing is queued before the transaction commits"
            event.refresh_from_db()
            assert event.processed_at is None, "the event is the outbox, unclaimed until notifications acts on it"
            assert not Notification.objects.filter(event=event).exists()
            assert len(on_commit) == 1
            on_commit[0]()
            nudge.assert_called_once_with((event.pk,))
            with django_capture_on_commit_callbacks(execute=True):
                queued = services.status_event_announce(event_id=event.pk)
            rows = Notification.objects.filter(event=event)
            assert sorted(rows.values_list("channel", flat=True)) == ["email", "webhook"]
            assert all(row.user_id == analyst.pk for row in rows)
            enqueue.assert_called_once()
            assert sorted(enqueue.call_args.args[0]) == sorted(rows.values_list("pk", flat=True)) == sorted(queued)
            assert services.status_event_announce(event_id=event.pk) == [], "a claimed event is not announced again"
            assert rows.count() == 2
        assert deliver_all() == ["sent", "sent"]
        assert len(mail.outbox) == 1 and "agreed in principle" in mail.outbox[0].subject
        request = receiver.requests[0]
        assert verify(
            endpoint.secret,
            request.headers["webhook-id"],
            int(request.headers["webhook-timestamp"]),
            request.body,
            request.headers["webhook-signature"],
        )
        assert json.loads(request.body)["data"]["agreement"] == "france-japan-raa"


def test_refused_move_writes_no_notice(analyst: object, official_jp: object) -> None:
    in_force = AgreementFactory(parties=["JPN", StateFactory()], history=[(Status.IN_FORCE, datetime.date(2023, 1, 1))])
    services.watch_set(user=analyst, agreement=in_force)
    with pytest.raises(TransitionRefused):
        transition(in_force, Status.NEGOTIATING, on=datetime.date(2025, 1, 1), actor=official_jp)
    assert not Notification.objects.exists()


def test_private_and_loopback_webhook_urls_are_refused(analyst: object, settings: object) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    for url in ["http://127.0.0.1:8000/x", "http://10.1.2.3/x", "http://192.168.1.1/x", "ftp://example.org/x"]:
        with pytest.raises(ValidationError):
            services.webhook_create(user=analyst, url=url)
