"""`seed` is an import of negotiations/data/record.yaml (the facts themselves are checked, one by one, in
test_seeded_record.py): states from ISO 3166-1, groupings, idempotence, the command's output, demo users."""

import io

import pycountry
import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from interchange.seed import RECORD_FILE, SeedError, seed_record
from negotiations.models import Agreement, Change, Milestone, NegotiationRound, Participation, Source, StatusEvent
from parties.models import Grouping, State

pytestmark = pytest.mark.django_db


def test_states_come_from_iso_3166() -> None:
    assert State.objects.count() == len(pycountry.countries)
    japan = State.objects.get(alpha3="JPN")
    assert (japan.alpha2, japan.short_name) == ("JP", "Japan")
    assert set(Grouping.objects.get(code="quad").members.values_list("alpha3", flat=True)) == {
        "AUS",
        "IND",
        "JPN",
        "USA",
    }
    assert Grouping.objects.get(code="g7").members.count() == 7


def _snapshot() -> str:
    models = [State, Grouping, Source, Agreement, Participation, StatusEvent, NegotiationRound, Milestone]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def test_seeding_twice_changes_nothing() -> None:
    before = _snapshot()
    changes = Change.objects.count()
    report = seed_record()
    assert report.ok and report.total("unchanged") == report.rows_read, report.counts
    assert _snapshot() == before and Change.objects.count() == changes


def test_seed_command_reports_progress_and_summary() -> None:
    out = io.StringIO()
    call_command("seed", stdout=out)
    text = out.getvalue()
    events = StatusEvent.objects.count()
    assert f"events: {events} unchanged" in text and "rows read in" in text
    assert "Seeded record.yaml: " in text and "0 errors; applied." in text


def test_demo_users_are_refused_without_debug() -> None:
    with pytest.raises(CommandError, match="refused when DEBUG is false"):
        call_command("seed", "--demo-users", stdout=io.StringIO())


@override_settings(DEBUG=True)
def test_demo_users_in_development() -> None:
    from django.contrib.auth import get_user_model

    out = io.StringIO()
    call_command("seed", "--demo-users", stdout=out)
    assert "password 'demo'" in out.getvalue()
    official = get_user_model().objects.get(username="official-jp")
    assert official.check_password("demo") and official.email == "official-jp@example.org"
    assert list(official.profile.states.values_list("alpha3", flat=True)) == ["JPN"]
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("demo") and admin.is_superuser


def test_a_broken_record_file_is_refused_naming_each_problem_and_stores_nothing(tmp_path) -> None:
    broken = tmp_path / "record.yaml"
    text = RECORD_FILE.read_text(encoding="utf-8")
    broken.write_text(text.replace('effective_on: "2024-05-02"', 'effective_on: "2024-05-32"', 1), encoding="utf-8")
    before = _snapshot()
    with pytest.raises(SeedError) as error:
        seed_record(path=broken)
    assert len(error.value.problems) == 1
    assert error.value.problems[0].startswith("record.yaml: events, line ")
    assert "effective_on: '2024-05-32' is not a date" in error.value.problems[0]
    assert _snapshot() == before
    with pytest.raises(SeedError, match="cannot be read"):
        seed_record(path=tmp_path / "missing.yaml")
