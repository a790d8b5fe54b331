"""Watches, the outbox, the sweep and delivery, in process (the worker-process fault tests are in test_faults.py)."""

import datetime
import io
import json
import re
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.services import profile_for
from negotiations.choices import Status
from negotiations.models import Agreement, Milestone
from negotiations.services import agreement_transition, agreements_enter_into_force
from notifications import services
from notifications.delivery import deliver
from notifications.models import DeliveryAttempt, Notification, Watch
from notifications.signing import verify
from notifications.sweep import run_digest, run_sweep
from parties.models import State

from .receiver import webhook_receiver

pytestmark = pytest.mark.django_db


def _announce() -> None:
    """Announce the status events that no task has claimed yet, as the sweep does."""
    for event_id in services.unannounced_status_events(1000):
        services.status_event_announce(event_id=event_id)


def _deliver_all() -> list[str]:
    """Announce what is unannounced, then send every pending notice."""
    _announce()
    return [
        deliver(pk).state
        for pk in Notification.objects.filter(state="pending", digest=False).values_list("pk", flat=True)
    ]


def test_watchers_of_an_agreement_merge_agreement_state_and_everything(analyst: object, official_fr: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    services.watch_set(user=analyst, agreement=france_japan, lead_days=[7])
    services.watch_set(user=analyst, state=State.objects.get(alpha3="JPN"), lead_days=[30], email=False)
    services.watch_set(user=official_fr, everything=True, status_changes="digest")
    watchers = services.watchers_for([france_japan.pk])[france_japan.pk]
    assert watchers[analyst.pk].lead_days == {7, 30} and watchers[analyst.pk].email
    assert watchers[official_fr.pk].status_changes == "digest"
    assert services.watchers_for([Agreement.objects.get(slug="japan-us-sofa").pk]).popitem()[1].keys() == {
        analyst.pk,
        official_fr.pk,
    }


def test_a_watch_needs_exactly_one_target(analyst: object) -> None:
    from django.core.exceptions import ValidationError

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
                event = agreement_transition(
                    actor=official_jp,
                    agreement=france_japan,
                    status=Status.NEGOTIATING,
                    effective_on=datetime.date(2024, 6, 1),
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
        assert _deliver_all() == ["sent", "sent"]
        assert len(mail.outbox) == 1 and "negotiating" in mail.outbox[0].subject
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
    from negotiations.lifecycle import TransitionRefused

    japan_australia = Agreement.objects.get(slug="japan-australia-raa")
    services.watch_set(user=analyst, agreement=japan_australia)
    with pytest.raises(TransitionRefused):
        agreement_transition(
            actor=official_jp,
            agreement=japan_australia,
            status=Status.NEGOTIATING,
            effective_on=datetime.date(2025, 1, 1),
        )
    assert not Notification.objects.exists()


def test_one_reminder_per_window_however_often_the_sweep_runs(analyst: object, official_fr: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    today = timezone.localdate()
    milestone = Milestone.objects.create(
        agreement=france_japan, title="Signature", due_on=today + datetime.timedelta(days=7)
    )
    services.watch_set(user=analyst, agreement=france_japan)
    services.watch_set(user=official_fr, state=State.objects.get(alpha3="FRA"), lead_days=[7, 1])
    for _ in range(3):
        run_sweep(deliver_inline=True)
    due = Notification.objects.filter(milestone=milestone, kind="milestone_due")
    assert sorted(due.values_list("user_id", "lead_days")) == sorted([(analyst.pk, 7), (official_fr.pk, 7)])
    assert len([m for m in mail.outbox if "Signature" in m.subject]) == 2
    later = timezone.now() + datetime.timedelta(days=6)
    run_sweep(later, deliver_inline=True)
    run_sweep(later, deliver_inline=True)
    assert sorted(due.values_list("lead_days", flat=True)) == [1, 1, 7, 7]
    overdue_day = timezone.now() + datetime.timedelta(days=8)
    run_sweep(overdue_day, deliver_inline=True)
    run_sweep(overdue_day, deliver_inline=True)
    assert Notification.objects.filter(milestone=milestone, kind="milestone_overdue").count() == 2
    # The seeded France–Japan target is long overdue (outside the catch-up week): no reminder for it.
    assert not Notification.objects.filter(milestone__title="Aim to conclude by end of 2024").exists()


def test_reminder_across_a_daylight_saving_change_is_sent_once(analyst: object) -> None:
    profile = profile_for(analyst)
    profile.time_zone = "Europe/Berlin"
    profile.save()
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    Milestone.objects.create(agreement=france_japan, title="Round", due_on=datetime.date(2027, 4, 4))
    services.watch_set(user=analyst, agreement=france_japan, lead_days=[7])
    # Clocks in Europe go forward at 01:00 UTC on 28 March 2027; sweeps run before and after.
    for hour in (0, 0.5, 1, 2, 23):
        run_sweep(
            datetime.datetime(2027, 3, 28, tzinfo=datetime.UTC) + datetime.timedelta(hours=hour), deliver_inline=True
        )
    assert Notification.objects.filter(kind="milestone_due").count() == 1


def test_email_in_the_recipients_language_with_link_and_unsubscribe(analyst: object, client: Client) -> None:
    profile = profile_for(analyst)
    profile.language = "de"
    profile.save()
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    services.watch_set(user=analyst, agreement=france_japan)
    agreement_transition(
        actor=None, agreement=france_japan, status=Status.NEGOTIATING, effective_on=datetime.date(2024, 6, 1)
    )
    _deliver_all()
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "in Verhandlung" in message.subject
    assert "https://raa.example.org/agreements/france-japan-raa/" in message.body and "<a href=" in html
    unsubscribe = re.search(r"https://raa\.example\.org(/unsubscribe/[^/\s]+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get(unsubscribe).status_code == 200
    assert Watch.objects.get(user=analyst).email is True  # a GET only asks
    assert client.post(unsubscribe).status_code == 200
    assert Watch.objects.get(user=analyst).email is False
    assert client.get("/unsubscribe/forged-token/").status_code == 404


def test_webhook_retried_on_500_then_delivered_with_three_attempts_logged(analyst: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    with webhook_receiver(statuses=[500, 500]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=france_japan, email=False, webhooks=[endpoint])
        event = agreement_transition(
            actor=None, agreement=france_japan, status=Status.NEGOTIATING, effective_on=datetime.date(2024, 6, 1)
        )
        _announce()
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
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    with webhook_receiver(statuses=[410]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=france_japan, email=False, webhooks=[endpoint])
        agreement_transition(
            actor=None, agreement=france_japan, status=Status.NEGOTIATING, effective_on=datetime.date(2024, 6, 1)
        )
        assert _deliver_all() == ["failed"]
        assert Notification.objects.get().last_error == "HTTP 410"


def test_private_and_loopback_webhook_urls_are_refused(analyst: object, settings: object) -> None:
    from django.core.exceptions import ValidationError

    settings.WEBHOOK_ALLOW_LOOPBACK = False
    for url in ["http://127.0.0.1:8000/x", "http://10.1.2.3/x", "http://192.168.1.1/x", "ftp://example.org/x"]:
        with pytest.raises(ValidationError):
            services.webhook_create(user=analyst, url=url)


def test_scheduled_entry_into_force_happens_on_its_date_and_is_announced_once(analyst: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    today = timezone.localdate()
    agreement_transition(
        actor=None, agreement=france_japan, status=Status.SIGNED, effective_on=today - datetime.timedelta(days=40)
    )
    france_japan.entry_into_force_scheduled_on = today
    france_japan.save()
    services.watch_set(user=analyst, agreement=france_japan)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    assert agreements_enter_into_force(today=timezone.localdate(yesterday)) == 0
    moved = [agreements_enter_into_force(today=today) for _ in range(3)]
    assert moved == [1, 0, 0]
    for _ in range(3):
        run_sweep(deliver_inline=True)
    france_japan.refresh_from_db()
    assert (france_japan.status, france_japan.status_since) == ("in_force", today)
    announced = [m for m in mail.outbox if "in force" in m.subject]
    assert len(announced) == 1


def test_daily_digest_bundles_status_changes_once(analyst: object) -> None:
    services.watch_set(user=analyst, everything=True, status_changes="digest")
    for slug in ("france-japan-raa", "japan-italy-acsa"):
        agreement_transition(
            actor=None,
            agreement=Agreement.objects.get(slug=slug),
            status=Status.NEGOTIATING,
            effective_on=datetime.date(2024, 7, 1),
        )
    assert _deliver_all() == []  # held for the digest
    assert run_digest() == 1 and run_digest() == 0
    _deliver_all()
    assert len(mail.outbox) == 1
    assert "France–Japan" in mail.outbox[0].body and "Japan–Italy" in mail.outbox[0].body


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
    assert [str(e["summary"]) for e in one.walk("VEVENT")] == [
        "France–Japan Reciprocal Access Agreement: Aim to conclude by end of 2024"
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


def test_watches_and_webhooks_through_the_api(analyst: object) -> None:
    client = Client()
    client.force_login(analyst)
    post = lambda url, body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    assert post("/api/v1/watches/", {"agreement": "france-japan-raa"}).status_code == 201
    assert post("/api/v1/watches/", {"state": "jpn", "lead_days": [14, 2]}).status_code == 201
    assert post("/api/v1/watches/", {"everything": True}).status_code == 201
    assert post("/api/v1/watches/", {"agreement": "france-japan-raa", "state": "FRA"}).status_code == 400
    assert post("/api/v1/watches/", {"agreement": "no-such"}).status_code == 400
    assert Watch.objects.filter(user=analyst).count() == 3
    with webhook_receiver() as receiver:
        created = post("/api/v1/webhooks/", {"url": receiver.url, "events": ["status_changed"]})
        assert created.status_code == 201 and created.json()["signing_secret"].startswith("whsec_")
        listed = client.get("/api/v1/webhooks/").json()["results"]
        assert "signing_secret" not in listed[0] and "secret" not in listed[0]
    bad = post("/api/v1/webhooks/", {"url": "http://127.0.0.1/x", "secret": "nope"})
    assert bad.status_code == 400 and "secret" in bad.json()["errors"]
    agreement = client.get("/api/v1/agreements/france-japan-raa/").json()
    assert agreement["links"]["calendar"].endswith("/calendar/agreements/france-japan-raa.ics")


def test_send_reminders_command(analyst: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    Milestone.objects.create(
        agreement=france_japan, title="Soon", due_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    services.watch_set(user=analyst, agreement=france_japan)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "new reminders: 1" in out.getvalue()
    assert len(mail.outbox) == 1


def test_watch_button_on_the_agreement_page(analyst: object, client: Client) -> None:
    client.force_login(analyst)
    page = client.get("/agreements/france-japan-raa/").content.decode()
    assert "Watch this agreement" in page
    client.post("/agreements/france-japan-raa/watch/")
    assert Watch.objects.filter(user=analyst, agreement__slug="france-japan-raa").exists()
    assert "Watching — stop" in client.get("/agreements/france-japan-raa/").content.decode()
    assert client.get("/watches/").status_code == 200


def test_public_feeds_follow_public_read(client: Client, settings: object) -> None:
    settings.PUBLIC_READ = False
    for url in ("/calendar/states/JPN.ics", "/calendar/agreements/japan-uk-raa.ics", "/feeds/changes.atom"):
        assert client.get(url).status_code == 403, url


def test_times_are_shown_in_the_users_time_zone(analyst: object, client: Client) -> None:
    from negotiations.models import StatusEvent

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
