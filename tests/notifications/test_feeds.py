"""Calendars (iCalendar) and Atom feeds of the record (notifications.feeds): stable, public only when reading
is, private ones revocable."""

import icalendar
import pytest
from django.test import Client

from negotiations.models import Agreement, Milestone
from notifications import services

pytestmark = pytest.mark.django_db


def test_calendar_feed_holds_each_milestone_once_with_a_stable_uid(client: Client) -> None:
    first = client.get("/calendar/states/JPN.ics")
    assert first.status_code == 200 and first["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(first.content)
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    milestones = Milestone.objects.filter(agreement__participations__state__alpha3="JPN").count()
    assert len(uids) == len(set(uids)) == milestones + 2  # and the two seeded rounds
    again = icalendar.Calendar.from_ical(client.get("/calendar/states/JPN.ics").content)
    assert [str(event["uid"]) for event in again.walk("VEVENT")] == uids
    one = icalendar.Calendar.from_ical(client.get("/calendar/agreements/france-japan-raa.ics").content)
    titles = Milestone.objects.filter(agreement__slug="france-japan-raa").values_list("title", flat=True)
    assert sorted(str(e["summary"]) for e in one.walk("VEVENT")) == sorted(
        f"France–Japan Reciprocal Access Agreement: {title}" for title in titles
    )
    assert "France–Japan Reciprocal Access Agreement: Aim to conclude by end of 2024" in [
        str(e["summary"]) for e in one.walk("VEVENT")
    ]


def test_private_calendar_is_revocable(analyst: object, client: Client) -> None:
    services.watch_set(user=analyst, agreement=Agreement.objects.get(slug="japan-uk-raa"))
    secret = services.calendar_feed_reset(user=analyst)
    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/private/{secret}.ics").content)
    assert {str(e["uid"]).split("-")[0] for e in feed.walk("VEVENT")} == {"milestone", "round"}
    services.calendar_feed_reset(user=analyst)
    assert client.get(f"/calendar/private/{secret}.ics").status_code == 404


def test_atom_feeds_of_status_changes(client: Client) -> None:
    for url in ("/feeds/changes.atom", "/feeds/agreements/japan-uk-raa.atom", "/feeds/states/PHL.atom"):
        response = client.get(url)
        assert response.status_code == 200 and b"<feed" in response.content, url
    uk = client.get("/feeds/agreements/japan-uk-raa.atom").content.decode()
    assert uk.count("<entry>") == 4 and "in force" in uk


def test_public_feeds_follow_public_read(client: Client, settings: object) -> None:
    settings.PUBLIC_READ = False
    for url in ("/calendar/states/JPN.ics", "/calendar/agreements/japan-uk-raa.ics", "/feeds/changes.atom"):
        assert client.get(url).status_code == 403, url
