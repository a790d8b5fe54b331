"""Watches and webhook endpoints are their users' own settings: the admin reads and removes them (through the
services), and cannot change or add them past the rules of services.watch_set and services.webhook_create."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Watch, WebhookEndpoint
from tests.factories import WatchFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def test_the_admin_reads_and_removes_a_watch_but_does_not_change_it(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    watch = WatchFactory()
    change = reverse("admin:notifications_watch_change", args=[watch.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"user": watch.user_id, "agreement": watch.agreement_id, "lead_days": "[900]"})
    watch.refresh_from_db()
    assert watch.lead_days != [900]
    assert client.get(reverse("admin:notifications_watch_add")).status_code == 403
    removed = client.post(reverse("admin:notifications_watch_delete", args=[watch.pk]), {"post": "yes"})
    assert removed.status_code == 302 and not Watch.objects.filter(pk=watch.pk).exists()


def test_the_admin_cannot_point_a_webhook_at_another_address(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    endpoint = WebhookEndpointFactory()
    change = reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    client.post(change, {"user": endpoint.user_id, "url": "http://127.0.0.1:6379/", "active": "on"})
    endpoint.refresh_from_db()
    assert endpoint.url.startswith("https://hooks.example.org/")
    assert client.get(reverse("admin:notifications_webhookendpoint_add")).status_code == 403
    changelist = reverse("admin:notifications_webhookendpoint_changelist")
    action = {"action": "delete_selected", "_selected_action": [endpoint.pk], "post": "yes"}
    assert client.post(changelist, action).status_code == 302
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
