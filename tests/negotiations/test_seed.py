"""The seed reproduces every verified fact of shared/docs/DOMAIN.md, from the event log, and is idempotent."""

import datetime
import io

import pycountry
import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from negotiations.choices import ApprovalStatus, MilestoneStatus
from negotiations.models import Agreement, Milestone, NegotiationRound, Participation, Source, StatusEvent
from negotiations.seed import load_record
from parties.models import Grouping, State

pytestmark = pytest.mark.django_db
D = datetime.date

# slug -> [(status, effective date, precision, place, source publisher, source URL or None)]
EVENTS = {
    "japan-australia-raa": [
        ("negotiating", D(2014, 7, 1), "month", "", "The Diplomat", ""),
        ("agreed_in_principle", D(2020, 11, 17), "day", "Tokyo", "Prime Minister of Australia", ""),
        (
            "signed",
            D(2022, 1, 6),
            "day",
            "by video conference",
            "Ministry of Foreign Affairs of Japan",
            "https://www.mofa.go.jp/a_o/ocn/au/page4e_001195.html",
        ),
        (
            "in_force",
            D(2023, 8, 13),
            "day",
            "",
            "Ministry of Foreign Affairs of Japan",
            "https://www.mofa.go.jp/press/release/press1e_000453.html",
        ),
    ],
    "japan-uk-raa": [
        (
            "negotiating",
            D(2021, 9, 28),
            "day",
            "",
            "Ministry of Foreign Affairs of Japan",
            "https://www.mofa.go.jp/press/release/press4e_003044.html",
        ),
        ("agreed_in_principle", D(2022, 5, 5), "day", "London", "Prime Minister's Office, United Kingdom", ""),
        ("signed", D(2023, 1, 11), "day", "London", None, None),
        (
            "in_force",
            D(2023, 10, 15),
            "day",
            "",
            "Ministry of Foreign Affairs of Japan",
            "https://www.mofa.go.jp/press/release/press4e_003298.html",
        ),
    ],
    "japan-philippines-raa": [
        ("proposed", D(2022, 4, 1), "month", "", None, None),
        (
            "talks_agreed",
            D(2023, 11, 3),
            "day",
            "Manila",
            "Philippine News Agency",
            "https://www.pna.gov.ph/articles/1213011",
        ),
        ("negotiating", D(2023, 11, 29), "day", "Tokyo", None, None),
        (
            "signed",
            D(2024, 7, 8),
            "day",
            "Malacañang, Manila",
            "Ministry of Foreign Affairs of Japan",
            "https://www.mofa.go.jp/s_sa/sea2/ph/pageite_000001_00432.html",
        ),
        ("in_force", D(2025, 9, 11), "day", "", "Manila Bulletin", ""),
    ],
    "france-japan-raa": [
        (
            "talks_agreed",
            D(2024, 5, 2),
            "day",
            "Paris",
            "Prime Minister's Office of Japan",
            "https://japan.kantei.go.jp/101_kishida/diplomatic/202405/02luncheon.html",
        ),
    ],
    "japan-us-sofa": [
        ("signed", D(1960, 1, 19), "day", "Washington", None, None),
        ("in_force", D(1960, 6, 23), "day", "", None, None),
    ],
    "japan-italy-acsa": [("talks_agreed", D(2024, 6, 14), "day", "", "nippon.com", "")],
}

CURRENT = {
    "japan-australia-raa": ("in_force", D(2023, 8, 13)),
    "japan-uk-raa": ("in_force", D(2023, 10, 15)),
    "japan-philippines-raa": ("in_force", D(2025, 9, 11)),
    "france-japan-raa": ("talks_agreed", D(2024, 5, 2)),
    "japan-us-sofa": ("in_force", D(1960, 6, 23)),
    "japan-italy-acsa": ("talks_agreed", D(2024, 6, 14)),
}


@pytest.mark.parametrize("slug", list(EVENTS))
def test_seeded_events_match_the_verified_record(slug: str) -> None:
    events = StatusEvent.objects.filter(agreement__slug=slug).select_related("source").order_by("effective_on")
    seen = [
        (
            e.status,
            e.effective_on,
            e.date_precision,
            e.place,
            e.source and e.source.publisher,
            e.source and e.source.url,
        )
        for e in events
    ]
    assert seen == EVENTS[slug]
    assert all(e.recorded_by is None and not e.is_correction for e in events)


@pytest.mark.parametrize(("slug", "expected"), list(CURRENT.items()))
def test_current_status_comes_from_the_event_log(slug: str, expected: tuple[str, datetime.date]) -> None:
    agreement = Agreement.objects.get(slug=slug)
    assert (agreement.status, agreement.status_since) == expected
    last = agreement.events.order_by("effective_on", "id").last()
    assert (last.status, last.effective_on) == expected


def test_france_japan_has_one_overdue_milestone_from_the_japan_times() -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    overdue = Milestone.objects.overdue().filter(agreement=france_japan)
    assert [(m.title, m.due_on, m.status) for m in overdue] == [
        ("Aim to conclude by end of 2024", D(2024, 12, 31), MilestoneStatus.PLANNED)
    ]
    source = overdue[0].source
    assert (source.publisher, source.published_on) == ("The Japan Times", D(2024, 9, 18))
    assert Milestone.objects.overdue().count() == 1
    assert france_japan.participations.filter(signed_on__isnull=False).count() == 0
    assert france_japan.entry_into_force_scheduled_on is None


def test_seeded_rounds() -> None:
    rounds = NegotiationRound.objects.select_related("agreement", "host").order_by("agreement__slug")
    assert [
        (r.agreement.slug, r.number, r.starts_on, r.ends_on, r.place, r.host and r.host.alpha3) for r in rounds
    ] == [
        ("japan-philippines-raa", 1, D(2023, 11, 29), D(2023, 11, 30), "Tokyo", "JPN"),
        ("japan-uk-raa", 1, D(2021, 10, 7), None, "", None),
    ]


def test_seeded_milestones_that_are_done() -> None:
    done = Milestone.objects.filter(status=MilestoneStatus.DONE).order_by("completed_on")
    assert [(m.agreement.slug, m.kind, m.completed_on) for m in done] == [
        ("japan-australia-raa", "parliamentary", D(2022, 2, 14)),
        ("japan-australia-raa", "parliamentary", D(2022, 9, 5)),
        ("japan-australia-raa", "exchange_of_notes", D(2023, 8, 8)),
        ("japan-uk-raa", "exchange_of_notes", D(2023, 9, 15)),
        ("japan-philippines-raa", "text_review", D(2024, 6, 11)),
        ("japan-philippines-raa", "exchange_of_notes", D(2025, 8, 12)),
    ]


def test_seeded_participations() -> None:
    rows = {(p.agreement.slug, p.state.alpha3): p for p in Participation.objects.select_related("agreement", "state")}
    assert len(rows) == 12
    aus = rows["japan-australia-raa", "AUS"]
    assert (aus.signed_on, aus.approval_status, aus.approval_submitted_on, aus.entry_into_force_on) == (
        D(2022, 1, 6),
        ApprovalStatus.SUBMITTED,
        D(2022, 2, 14),
        D(2023, 8, 13),
    )
    phl = rows["japan-philippines-raa", "PHL"]
    assert (phl.approval_status, phl.approval_body, phl.approval_decided_on, phl.approval_decided_precision) == (
        ApprovalStatus.APPROVED,
        "Senate",
        D(2024, 12, 1),
        "month",
    )
    jpn = rows["japan-philippines-raa", "JPN"]
    assert (jpn.approval_body, jpn.approval_decided_on, jpn.approval_decided_precision) == (
        "Diet",
        D(2025, 6, 1),
        "month",
    )
    for slug, eif in [("japan-uk-raa", D(2023, 10, 15)), ("japan-philippines-raa", D(2025, 9, 11))]:
        assert {p.entry_into_force_on for key, p in rows.items() if key[0] == slug} == {eif}
        assert Agreement.objects.get(slug=slug).entry_into_force_scheduled_on == eif
    for slug in ["france-japan-raa", "japan-italy-acsa"]:
        assert all(p.signed_on is None and p.entry_into_force_on is None for key, p in rows.items() if key[0] == slug)


def test_sources_carry_publisher_and_dates() -> None:
    dated = dict(Source.objects.filter(published_on__isnull=False).values_list("publisher", "published_on"))
    assert dated["The Japan Times"] == D(2024, 9, 18)
    assert dated["Manila Bulletin"] == D(2025, 9, 10)
    assert dated["Prime Minister's Office of Japan"] == D(2024, 5, 2)
    german = Source.objects.get(language="de")
    assert german.published_on == D(2024, 5, 2)
    assert all(source.publisher for source in Source.objects.all())


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
    counts = load_record()
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values()), counts
    assert _snapshot() == before


def test_seed_command_reports_progress_and_summary() -> None:
    out = io.StringIO()
    call_command("seed", stdout=out)
    text = out.getvalue()
    assert "agreement 6/6" in text and "Seeded:" in text and "status events 0 new" in text


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
