"""The pages of notifications (notifications.views): the watch button, the watches page and its profile form."""

import datetime

import pytest
from django.test import Client

from accounts.services import profile_for
from negotiations.models import StatusEvent
from notifications.models import Watch

pytestmark = pytest.mark.django_db


def test_watch_button_on_the_agreement_page(analyst: object, client: Client) -> None:
    client.force_login(analyst)
    page = client.get("/agreements/france-japan-raa/").content.decode()
    assert "Watch this agreement" in page
    client.post("/agreements/france-japan-raa/watch/")
    assert Watch.objects.filter(user=analyst, agreement__slug="france-japan-raa").exists()
    assert "Watching — stop" in client.get("/agreements/france-japan-raa/").content.decode()
    assert client.get("/watches/").status_code == 200


def test_times_are_shown_in_the_users_time_zone(analyst: object, client: Client) -> None:
    client.force_login(analyst)
    response = client.post("/watches/", {"language": "en", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302 and profile_for(analyst).time_zone == "Asia/Tokyo"
    assert (
        "time_zone" in client.post("/watches/", {"language": "en", "time_zone": "Mars/Olympus"}).context["form"].errors
    )
    event = StatusEvent.objects.filter(agreement__slug="japan-uk-raa").first()
    StatusEvent.objects.filter(pk=event.pk).update(
        recorded_at=datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC)
    )
    page = client.get("/agreements/japan-uk-raa/").content.decode()
    assert "01/02/2026 5 a.m." in page  # 20:00 UTC is 05:00 the next day in Tokyo
    assert "01/01/2026 8 p.m." in Client().get("/agreements/japan-uk-raa/").content.decode()  # anonymous: UTC
