"""`manage.py send_reminders`: one sweep now, for cron users."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications import services
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_send_reminders_command(analyst: object) -> None:
    milestone = MilestoneFactory(title="Soon", due_on=timezone.localdate() + datetime.timedelta(days=1))
    services.watch_set(user=analyst, agreement=milestone.agreement)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "new reminders: 1" in out.getvalue()
    assert len(mail.outbox) == 1
