"""Facts from the news told to the watchers who asked, once each, by e-mail and webhook (notifications)."""

import datetime

import pytest
from django.core import mail

from intake import services as intake
from negotiations.models import Agreement
from notifications import services
from notifications.models import Notification
from notifications.sweep import run_sweep
from parties.models import State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Written for these tests: Japan and Australia signed their RAA in January 2022; Japan and Mexico an ISA.
TEXT = (
    "Australia and Japan signed a reciprocal access agreement in January 2022.\n\n"
    "Japan and Mexico signed an information security agreement on 3 March 2024."
)


def _submit(user: object) -> object:
    article, _ = intake.article_submit(
        actor=user, text=TEXT, published_on=datetime.date(2024, 3, 5), publisher="Example Daily", title="Pacts"
    )
    return article


def test_watchers_who_asked_are_told_of_each_candidate_once(analyst: object) -> None:
    japan_australia = Agreement.objects.get(slug="japan-australia-raa")
    asked = UserFactory(email="asked@example.org")
    quiet = UserFactory(email="quiet@example.org")
    state_watcher = UserFactory(email="mexico@example.org")
    services.watch_set(user=asked, agreement=japan_australia, candidates=True)
    services.watch_set(user=quiet, agreement=japan_australia)
    services.watch_set(user=state_watcher, state=State.objects.get(alpha3="MEX"), candidates=True)
    article = _submit(analyst)
    for _ in range(3):  # the task's nudge and two sweeps: each candidate is announced once
        services.candidates_announce(article_id=article.pk)
        run_sweep(deliver_inline=True)
    notices = Notification.objects.filter(kind="candidate_found")
    assert sorted(notices.values_list("user__email", flat=True)) == ["asked@example.org", "mexico@example.org"]
    told = {message.to[0]: message for message in mail.outbox}
    assert set(told) == {"asked@example.org", "mexico@example.org"}
    about_the_pact = told["asked@example.org"]
    assert "Japan–Australia" in about_the_pact.subject or "Australia" in about_the_pact.subject
    assert "Australia and Japan signed a reciprocal access agreement in January 2022." in about_the_pact.body
    assert "/intake/candidates/" in about_the_pact.body
    assert "not in the record yet" in told["mexico@example.org"].body


def test_the_sweep_tells_what_a_lost_nudge_did_not(analyst: object) -> None:
    watcher = UserFactory(email="w@example.org")
    services.watch_set(user=watcher, everything=True, candidates=True)
    _submit(analyst)  # no worker runs here: the queued announcement is never taken
    assert not Notification.objects.filter(kind="candidate_found").exists()
    run_sweep(deliver_inline=True)
    run_sweep(deliver_inline=True)
    assert Notification.objects.filter(kind="candidate_found", user=watcher).count() == 2  # two candidates


def test_a_watch_asks_for_facts_from_the_news_from_its_page(official_jp: object, client: object) -> None:
    watch = services.watch_set(user=official_jp, agreement=Agreement.objects.get(slug="japan-australia-raa"))
    client.force_login(official_jp)
    assert "Facts from the news" in client.get("/watches/").content.decode()
    client.post(f"/watches/{watch.pk}/news/")
    watch.refresh_from_db()
    assert watch.candidates
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/watches/{watch.pk}/news/").status_code == 404
