"""How current the record is (issue #15): "last checked" per agreement, the stale list on the overview and in the
API (France–Japan is on it until someone checks it), and the once-per-spell notice to watchers who asked."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.models import TokenScope
from negotiations import selectors, services
from negotiations.models import Agreement, Change
from notifications.choices import Kind
from notifications.delivery import deliver
from notifications.models import Notification
from notifications.services import watch_set
from notifications.sweep import run_stale_notices
from tests.api.clients import assert_problem, send_json, token_client
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def _stale_slugs() -> list[str]:
    return [a.slug for a in selectors.stale_agreements(datetime.date.today())]


def _stale_section(client: Client) -> str:
    overview = client.get("/").content.decode()
    return overview[overview.index('id="stale-list"') :].split("</section>")[0]


def test_france_japan_is_stale_until_an_official_checks_it(
    client: Client, official_fr: object, france_japan: Agreement
) -> None:
    stale = _stale_slugs()
    assert "france-japan-raa" in stale
    assert "japan-australia-raa" not in stale  # in force: nothing is expected of it
    # The overview shows the longest-unchecked few and links to all of them, France–Japan among them.
    assert f"All {len(stale)} agreements not checked for a while" in _stale_section(client)
    assert "France–Japan Reciprocal Access Agreement" in client.get("/agreements/?stale=true").content.decode()
    page = client.get(france_japan.get_absolute_url()).content.decode()
    assert "never confirmed" in page and "not checked for a while" in page

    source = SourceFactory(title="Ambassador's interview")
    services.agreement_confirm_current(actor=official_fr, agreement=france_japan, source=source, note="Talks go on.")
    france_japan.refresh_from_db()
    assert france_japan.checked_on == datetime.date.today() and france_japan.checked_by == official_fr
    assert "france-japan-raa" not in _stale_slugs()
    assert f"All {len(stale) - 1} agreements not checked for a while" in _stale_section(client)
    assert "France–Japan Reciprocal Access Agreement" not in client.get("/agreements/?stale=true").content.decode()
    row = Change.objects.filter(agreement=france_japan).latest("id")
    assert row.after == {"checked_on": datetime.date.today().isoformat(), "checked_source": source.pk}
    assert (row.source_id, row.message) == (source.pk, "Talks go on.")
    page = Client().get(france_japan.get_absolute_url()).content.decode()
    assert "still accurate as of" in page and "Ambassador&#x27;s interview" in page
    assert "not checked for a while" not in page


def test_a_check_needs_a_source_and_a_party(
    official_jp: object, official_fr: object, japan_australia: Agreement
) -> None:
    with pytest.raises(ValidationError, match="latest source"):
        services.agreement_confirm_current(actor=official_jp, agreement=japan_australia, source=None)
    with pytest.raises(PermissionDenied):
        services.agreement_confirm_current(actor=official_fr, agreement=japan_australia, source=SourceFactory())


def test_the_dashboard_button_confirms(client: Client, official_fr: object, france_japan: Agreement) -> None:
    client.force_login(official_fr)
    page = client.get(france_japan.get_absolute_url()).content.decode()
    assert "Confirm: still accurate as of today" in page
    version = page.split('name="version" value="')[1].split('"')[0]
    source = france_japan.events.first().source
    response = client.post(f"/agreements/{france_japan.slug}/confirm/", {"version": version, "source": source.pk})
    assert response.status_code == 302
    assert Agreement.objects.get(pk=france_japan.pk).checked_on == datetime.date.today()
    stale = client.post(f"/agreements/{france_japan.slug}/confirm/", {"version": version, "source": source.pk})
    assert stale.status_code == 302  # refused: someone (here: the same official) changed it since
    assert "Someone else changed this record" in client.get(france_japan.get_absolute_url()).content.decode()


def test_the_api_lists_stale_agreements_oldest_first_and_confirms(official_fr: object, france_japan: Agreement) -> None:
    client = token_client(official_fr, TokenScope.WRITE)
    listed = client.get("/api/v1/stale-agreements/").json()["results"]
    assert "france-japan-raa" in [row["slug"] for row in listed]
    assert [row["last_activity_on"] for row in listed] == sorted(row["last_activity_on"] for row in listed)
    url = f"/api/v1/agreements/{france_japan.slug}/confirm/"
    assert_problem(send_json(client, "POST", url, {"note": "No source"}), 400, "source")
    confirmed = send_json(client, "POST", url, {"source": france_japan.events.first().source_id})
    assert confirmed.status_code == 200 and confirmed.json()["checked_on"] == datetime.date.today().isoformat()
    assert "france-japan-raa" not in [r["slug"] for r in client.get("/api/v1/stale-agreements/").json()["results"]]
    assert client.get("/api/v1/agreements/?stale=true").json()["count"] == len(listed) - 1


def test_watchers_who_asked_are_told_once_per_stale_spell(
    analyst: object, official_fr: object, france_japan: Agreement
) -> None:
    watch_set(user=analyst, agreement=france_japan, stale_notices=True)
    watch_set(user=official_fr, agreement=france_japan)  # did not ask
    assert run_stale_notices() == 1
    assert run_stale_notices() == 0  # the same spell: not again
    notice = Notification.objects.get(kind=Kind.AGREEMENT_STALE)
    assert (notice.user, notice.agreement) == (analyst, france_japan)
    deliver(notice.pk)
    assert len(mail.outbox) == 1 and "Not checked for a while" in mail.outbox[0].subject
    assert "France–Japan" in mail.outbox[0].body

    # A check ends the spell; once it lapses again, a new notice is due (a later day in its key).
    services.agreement_confirm_current(actor=official_fr, agreement=france_japan, source=SourceFactory())
    assert run_stale_notices() == 0
    later = datetime.date.today() + datetime.timedelta(days=400)
    assert run_stale_notices(later) == 1
