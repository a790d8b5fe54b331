"""The sweep (notifications.sweep): reminders once per window, scheduled entry into force, the daily digest."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from negotiations.choices import Status
from negotiations.models import Agreement
from negotiations.services import agreements_enter_into_force
from notifications import services
from notifications.models import Notification
from notifications.sweep import run_digest, run_sweep
from parties.models import State
from tests.factories import MilestoneFactory, UserFactory, transition

from .outbox import deliver_all

pytestmark = pytest.mark.django_db


def test_one_reminder_per_window_however_often_the_sweep_runs(analyst: object, official_fr: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    today = timezone.localdate()
    milestone = MilestoneFactory(agreement=france_japan, title="Signature", due_on=today + datetime.timedelta(days=7))
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


def test_reminder_across_a_daylight_saving_change_is_sent_once() -> None:
    reader = UserFactory(profile__time_zone="Europe/Berlin")
    milestone = MilestoneFactory(title="Round", due_on=datetime.date(2027, 4, 4))
    services.watch_set(user=reader, agreement=milestone.agreement, lead_days=[7])
    # Clocks in Europe go forward at 01:00 UTC on 28 March 2027; sweeps run before and after.
    for hour in (0, 0.5, 1, 2, 23):
        run_sweep(
            datetime.datetime(2027, 3, 28, tzinfo=datetime.UTC) + datetime.timedelta(hours=hour), deliver_inline=True
        )
    assert Notification.objects.filter(kind="milestone_due").count() == 1


def test_scheduled_entry_into_force_happens_on_its_date_and_is_announced_once(analyst: object) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    today = timezone.localdate()
    transition(france_japan, Status.SIGNED, on=today - datetime.timedelta(days=40))
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
    for slug in ("france-japan-raa", "japan-singapore-dea"):  # negotiating and talks agreed: each may move on
        transition(Agreement.objects.get(slug=slug), Status.AGREED_IN_PRINCIPLE, on=datetime.date(2025, 1, 15))
    assert deliver_all() == []  # held for the digest
    assert run_digest() == 1 and run_digest() == 0
    deliver_all()
    assert len(mail.outbox) == 1
    assert "France–Japan" in mail.outbox[0].body and "Japan–Singapore" in mail.outbox[0].body
