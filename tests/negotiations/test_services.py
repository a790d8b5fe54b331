import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from negotiations.choices import MilestoneStatus, Status
from negotiations.lifecycle import TransitionRefused
from negotiations.models import Agreement, AgreementType, Milestone, NegotiationRound, StatusEvent
from negotiations.services import (
    agreement_create,
    agreement_transition,
    agreement_update,
    milestone_complete,
    milestone_update,
    round_record,
    round_update,
)
from parties.models import State
from raa_tracker.versions import StaleVersion, version_of

pytestmark = pytest.mark.django_db


def test_official_records_status_change_on_own_agreement(official_fr: object, france_japan: Agreement) -> None:
    event = agreement_transition(  # France–Japan is negotiating since September 2024
        actor=official_fr,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status=Status.AGREED_IN_PRINCIPLE,
        effective_on=datetime.date(2025, 1, 15),
    )
    france_japan.refresh_from_db()
    assert france_japan.status == Status.AGREED_IN_PRINCIPLE
    assert event.recorded_by == official_fr and event.recorded_at is not None


def test_official_cannot_change_foreign_agreement(official_fr: object, japan_australia: Agreement) -> None:
    count, summary = japan_australia.events.count(), japan_australia.summary
    with pytest.raises(PermissionDenied, match="FRA, which is not a party"):
        agreement_transition(
            actor=official_fr,
            no_source_reason="Told by the delegation (test).",
            agreement=japan_australia,
            status=Status.TERMINATED,
            effective_on=datetime.date(2025, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        round_record(
            actor=official_fr,
            no_source_reason="Told by the delegation (test).",
            agreement=japan_australia,
            number=9,
            starts_on=datetime.date(2020, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        agreement_update(actor=official_fr, agreement=japan_australia, summary="changed")
    japan_australia.refresh_from_db()
    assert japan_australia.events.count() == count and japan_australia.status == Status.IN_FORCE
    assert japan_australia.summary == summary != "changed"


def test_analyst_cannot_record_anything(analyst: object, france_japan: Agreement) -> None:
    with pytest.raises(PermissionDenied):
        agreement_transition(
            actor=analyst,
            no_source_reason="Told by the delegation (test).",
            agreement=france_japan,
            status=Status.AGREED_IN_PRINCIPLE,  # a move the lifecycle allows: negotiating since September 2024
            effective_on=datetime.date(2025, 1, 15),
        )


def test_official_creates_agreement_only_with_own_state(official_jp: object) -> None:
    raa = AgreementType.objects.get(code="RAA")
    with pytest.raises(PermissionDenied, match="include one of the states you act for"):
        agreement_create(
            actor=official_jp, title="X", slug="x", type=raa, parties=State.objects.filter(alpha3__in=["FRA", "DEU"])
        )
    created = agreement_create(
        actor=official_jp,
        title="Germany–Japan RAA",
        slug="germany-japan-raa",
        type=raa,
        parties=State.objects.filter(alpha3__in=["DEU", "JPN"]),
    )
    assert sorted(created.parties.values_list("alpha3", flat=True)) == ["DEU", "JPN"]
    assert created.status is None


def test_agreement_needs_two_parties() -> None:
    with pytest.raises(ValidationError) as error:
        agreement_create(
            actor=None,
            title="Solo",
            slug="solo",
            type=AgreementType.objects.get(code="RAA"),
            parties=State.objects.filter(alpha3="JPN"),
        )
    assert "at least two parties" in error.value.message_dict["parties"][0]
    assert not Agreement.objects.filter(slug="solo").exists()


def test_status_cannot_be_set_by_update(administrator: object, france_japan: Agreement) -> None:
    with pytest.raises(ValidationError) as error:
        agreement_update(actor=administrator, agreement=france_japan, status=Status.SIGNED)
    assert "status" in error.value.message_dict


def test_correction_by_administrator_keeps_the_wrong_entry_visible(
    administrator: object, official_jp: object, france_japan: Agreement
) -> None:
    wrong = agreement_transition(  # France–Japan is negotiating since September 2024
        actor=official_jp,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status=Status.SIGNED,
        effective_on=datetime.date(2025, 1, 15),
    )
    with pytest.raises(PermissionDenied):
        agreement_transition(
            actor=official_jp,
            no_source_reason="Told by the delegation (test).",
            agreement=france_japan,
            status=Status.AGREED_IN_PRINCIPLE,
            effective_on=datetime.date(2025, 1, 15),
            corrects=wrong,
            correction_reason="typo",
        )
    fix = agreement_transition(
        actor=administrator,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status=Status.AGREED_IN_PRINCIPLE,
        effective_on=datetime.date(2025, 1, 15),
        corrects=wrong,
        correction_reason="Agreed in principle; nothing was signed.",
    )
    france_japan.refresh_from_db()
    assert france_japan.status == Status.AGREED_IN_PRINCIPLE
    assert StatusEvent.objects.filter(pk=wrong.pk).exists()
    assert fix.is_correction and wrong.correction == fix
    # The same entry cannot be corrected twice.
    with pytest.raises(ValidationError):
        agreement_transition(
            actor=administrator,
            no_source_reason="Told by the delegation (test).",
            agreement=france_japan,
            status=Status.PROPOSED,
            effective_on=datetime.date(2025, 1, 15),
            corrects=wrong,
            correction_reason="again",
        )


def test_retraction_removes_a_wrong_entry_from_the_status(administrator: object, france_japan: Agreement) -> None:
    wrong = agreement_transition(
        actor=None, agreement=france_japan, status=Status.AGREED_IN_PRINCIPLE, effective_on=datetime.date(2025, 1, 15)
    )
    agreement_transition(
        actor=administrator,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status="",
        effective_on=datetime.date(2025, 1, 15),
        corrects=wrong,
        correction_reason="Recorded on the wrong agreement.",
    )
    france_japan.refresh_from_db()
    # Back to the seeded status: negotiating, known to the month (September 2024).
    assert (france_japan.status, france_japan.status_since) == (Status.NEGOTIATING, datetime.date(2024, 9, 1))


def test_correction_needs_a_reason(administrator: object, france_japan: Agreement) -> None:
    wrong = france_japan.events.get(status=Status.TALKS_AGREED)
    with pytest.raises(ValidationError) as error:
        agreement_transition(
            actor=administrator,
            no_source_reason="Told by the delegation (test).",
            agreement=france_japan,
            status=Status.PROPOSED,
            effective_on=wrong.effective_on,
            corrects=wrong,
            correction_reason="",
        )
    assert "correction_reason" in error.value.message_dict


def test_correction_that_leaves_an_invalid_history_is_refused(
    administrator: object, japan_australia: Agreement
) -> None:
    signed = japan_australia.events.get(status=Status.SIGNED)
    with pytest.raises(TransitionRefused):
        # Replacing the signature by an abandonment would leave "in force" after "abandoned".
        agreement_transition(
            actor=administrator,
            no_source_reason="Told by the delegation (test).",
            agreement=japan_australia,
            status=Status.ABANDONED,
            effective_on=signed.effective_on,
            corrects=signed,
            correction_reason="test",
        )
    assert not hasattr(StatusEvent.objects.get(pk=signed.pk), "correction")


def test_round_that_ends_before_it_starts_is_refused_beside_the_field(
    official_jp: object, france_japan: Agreement
) -> None:
    with pytest.raises(ValidationError) as error:
        round_record(
            actor=official_jp,
            no_source_reason="Told by the delegation (test).",
            agreement=france_japan,
            number=1,
            starts_on=datetime.date(2024, 6, 2),
            ends_on=datetime.date(2024, 6, 1),
        )
    assert error.value.message_dict["ends_on"] == ["A round cannot end before it starts."]
    assert not NegotiationRound.objects.filter(agreement=france_japan).exists()


def test_duplicate_round_number_is_refused(official_jp: object) -> None:
    japan_uk = Agreement.objects.get(slug="japan-uk-raa")
    with pytest.raises(ValidationError) as error:
        round_record(
            actor=official_jp,
            no_source_reason="Told by the delegation (test).",
            agreement=japan_uk,
            number=1,
            starts_on=datetime.date(2021, 11, 1),
        )
    assert "already has a round with this number" in str(error.value)


def test_milestone_done_is_no_longer_overdue(official_fr: object, france_japan: Agreement) -> None:
    milestone = france_japan.milestones.get(status=MilestoneStatus.PLANNED)  # the year-end 2024 target
    assert milestone.is_overdue()
    milestone_complete(actor=official_fr, milestone=milestone, completed_on=datetime.date(2025, 1, 5))
    assert not Milestone.objects.overdue().filter(pk=milestone.pk).exists()
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.DONE


def test_the_record_start_follows_back_dated_entries_and_corrections(
    administrator: object, france_japan: Agreement
) -> None:
    """`started_on` (the overview's 'running for N days') is the first entry that counts, kept by the service."""
    first = france_japan.events.order_by("effective_on").first()
    assert france_japan.started_on == first.effective_on

    earlier = agreement_transition(
        actor=administrator,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status=Status.PROPOSED,
        effective_on=first.effective_on - datetime.timedelta(days=30),
    )
    france_japan.refresh_from_db()
    assert france_japan.started_on == earlier.effective_on

    agreement_transition(
        actor=administrator,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status="",
        effective_on=earlier.effective_on,
        corrects=earlier,
        correction_reason="No such proposal was made.",
    )
    france_japan.refresh_from_db()
    assert france_japan.started_on == first.effective_on


# Each rule once, in the services, whoever calls: locks, versions, the agreement a row belongs to, the slug.


def test_a_round_or_milestone_stays_with_its_agreement(france_japan: Agreement, japan_australia: Agreement) -> None:
    negotiation_round = round_record(actor=None, agreement=france_japan, number=1, starts_on=datetime.date(2024, 9, 2))
    milestone = Milestone.objects.create(agreement=france_japan, title="Talks", due_on=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError) as refused:
        round_update(actor=None, round=negotiation_round, agreement=japan_australia, place="x")
    assert refused.value.message_dict == {"agreement": ["A round or milestone stays with its agreement."]}
    with pytest.raises(ValidationError) as refused:
        milestone_update(actor=None, milestone=milestone, agreement=japan_australia, note="x")
    assert refused.value.message_dict == {"agreement": ["A round or milestone stays with its agreement."]}
    # Naming the agreement it already has is no move.
    changed = round_update(actor=None, round=negotiation_round, agreement=france_japan, place="Paris")
    assert (changed.agreement, NegotiationRound.objects.get(pk=negotiation_round.pk).place) == (france_japan, "Paris")


def test_the_slug_never_changes_and_unknown_fields_are_named(administrator: object, france_japan: Agreement) -> None:
    with pytest.raises(ValidationError) as refused:
        agreement_update(actor=administrator, agreement=france_japan, slug="renamed", summary="x")
    assert list(refused.value.message_dict) == ["slug"]
    with pytest.raises(ValidationError) as refused:
        agreement_update(actor=administrator, agreement=france_japan, created_by=administrator)
    assert refused.value.message_dict == {"created_by": ["This field cannot be changed here."]}
    same = agreement_update(actor=administrator, agreement=france_japan, slug="france-japan-raa", summary="Kept.")
    assert Agreement.objects.get(slug="france-japan-raa").summary == same.summary == "Kept."


def test_a_write_from_a_stale_version_is_refused_and_writes_nothing(france_japan: Agreement) -> None:
    read = version_of(france_japan)
    agreement_update(actor=None, agreement=france_japan, summary="Someone else's change.")
    with pytest.raises(StaleVersion):
        agreement_update(actor=None, agreement=france_japan, expected_version=read, summary="Mine.")
    with pytest.raises(StaleVersion):
        agreement_transition(
            actor=None,
            agreement=france_japan,
            status=Status.AGREED_IN_PRINCIPLE,  # allowed but for the version: negotiating since September 2024
            effective_on=datetime.date(2025, 1, 15),
            expected_version=read,
        )
    france_japan.refresh_from_db()
    assert france_japan.summary == "Someone else's change." and france_japan.status == Status.NEGOTIATING
    current = version_of(france_japan)
    agreement_update(actor=None, agreement=france_japan, expected_version=current, summary="Mine.")
    assert Agreement.objects.get(pk=france_japan.pk).summary == "Mine."


def test_the_parties_rule_holds_on_creation_and_on_every_change(france_japan: Agreement) -> None:
    japan = State.objects.get(alpha3="JPN")
    raa = AgreementType.objects.get(code="RAA")
    with pytest.raises(ValidationError) as refused:
        agreement_create(actor=None, title="Twice", slug="twice", type=raa, participations=[{"state": japan}] * 2)
    assert refused.value.message_dict == {"participations": ["Each state may appear only once."]}
    with pytest.raises(ValidationError) as refused:
        agreement_update(actor=None, agreement=france_japan, participations=[{"state": japan}])
    assert refused.value.message_dict == {"participations": ["An agreement needs at least two parties."]}
    assert france_japan.participations.count() == 2
