"""Sending one notice (notifications.delivery): e-mail in the recipient's language, signed webhooks, retries."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from negotiations.choices import Status
from negotiations.models import Agreement
from notifications import services
from notifications.delivery import deliver
from notifications.models import DeliveryAttempt, Notification, Watch
from tests.factories import AgreementFactory, UserFactory, transition

from .outbox import announce_unclaimed, deliver_all
from .receiver import webhook_receiver

pytestmark = pytest.mark.django_db


def test_email_in_the_recipients_language_with_link_and_unsubscribe(client: Client) -> None:
    reader = UserFactory(profile__language="de")
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    services.watch_set(user=reader, agreement=france_japan)
    transition(france_japan, Status.AGREED_IN_PRINCIPLE, on=datetime.date(2025, 1, 15))
    deliver_all()
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "grundsätzlich vereinbart" in message.subject
    assert "https://raa.example.org/agreements/france-japan-raa/" in message.body and "<a href=" in html
    unsubscribe = re.search(r"https://raa\.example\.org(/unsubscribe/[^/\s]+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get(unsubscribe).status_code == 200
    assert Watch.objects.get(user=reader).email is True  # a GET only asks
    assert client.post(unsubscribe).status_code == 200
    assert Watch.objects.get(user=reader).email is False
    assert client.get("/unsubscribe/forged-token/").status_code == 404


def test_webhook_retried_on_500_then_delivered_with_three_attempts_logged(analyst: object) -> None:
    agreement = AgreementFactory()
    with webhook_receiver(statuses=[500, 500]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=agreement, email=False, webhooks=[endpoint])
        event = transition(agreement, Status.NEGOTIATING, on=datetime.date(2024, 6, 1))
        announce_unclaimed()
        notice = Notification.objects.get(event=event)
        outcomes = []
        for _ in range(3):
            Notification.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
            outcomes.append(deliver(notice.pk).state)
        assert outcomes == ["retry", "retry", "sent"]
        attempts = list(DeliveryAttempt.objects.filter(notification=notice).values_list("ok", "http_status"))
        assert attempts == [(False, 500), (False, 500), (True, 200)]
        assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # the same id on every try


def test_webhook_client_error_is_not_retried(analyst: object) -> None:
    agreement = AgreementFactory()
    with webhook_receiver(statuses=[410]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=agreement, email=False, webhooks=[endpoint])
        transition(agreement, Status.NEGOTIATING, on=datetime.date(2024, 6, 1))
        assert deliver_all() == ["failed"]
        assert Notification.objects.get().last_error == "HTTP 410"
