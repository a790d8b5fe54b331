"""Loading the ISO 3166-1 list and the known groupings: repeatable, and exact about what changed."""

import pycountry
import pytest

from parties.models import Grouping, State
from parties.services import grouping_upsert, states_load_from_iso
from tests.factories import StateFactory

pytestmark = pytest.mark.django_db


def test_loading_the_iso_list_again_changes_nothing() -> None:
    count = State.objects.count()
    assert states_load_from_iso() == (0, 0)
    assert State.objects.count() == count == len(pycountry.countries)


def test_loading_creates_what_is_missing_and_restores_what_was_edited() -> None:
    State.objects.filter(alpha3="ATA").delete()
    State.objects.filter(alpha3="JPN").update(short_name="Nippon", name="Nippon-koku")

    assert states_load_from_iso() == (1, 1)

    japan = State.objects.get(alpha3="JPN")
    assert (japan.alpha2, japan.short_name, japan.name) == ("JP", "Japan", "Japan")
    antarctica = State.objects.get(alpha3="ATA")
    assert (antarctica.alpha2, antarctica.short_name) == ("AQ", "Antarctica")


def test_common_and_official_names_are_both_kept() -> None:
    """pycountry's common name is the short name, its official name the name, when it has them."""
    bolivia = State.objects.get(alpha3="BOL")
    assert bolivia.short_name == "Bolivia" and bolivia.name == "Plurinational State of Bolivia"


def test_states_made_here_are_left_alone() -> None:
    ours = StateFactory()
    assert states_load_from_iso() == (0, 0)
    assert State.objects.filter(pk=ours.pk).exists()


def test_a_grouping_is_created_then_updated_only_when_it_differs() -> None:
    grouping, outcome = grouping_upsert(code="test-trio", name="Trio", member_codes=["JPN", "FRA", "JPN"])
    assert outcome == "created"
    assert sorted(grouping.members.values_list("alpha3", flat=True)) == ["FRA", "JPN"]

    assert grouping_upsert(code="test-trio", name="Trio", member_codes=["FRA", "JPN"])[1] == ""
    assert grouping_upsert(code="test-trio", name="The trio", member_codes=["FRA", "JPN"])[1] == "updated"
    renamed, outcome = grouping_upsert(code="test-trio", name="The trio", member_codes=["GBR", "JPN", "DEU"])

    assert outcome == "updated" and renamed.pk == grouping.pk and renamed.name == "The trio"
    assert sorted(renamed.members.values_list("alpha3", flat=True)) == ["DEU", "GBR", "JPN"]


def test_unknown_member_codes_are_refused_naming_them_and_nothing_is_written() -> None:
    with pytest.raises(ValueError, match="Unknown state codes for grouping test-bad: QQQ, XQZ"):
        grouping_upsert(code="test-bad", name="Bad", member_codes=["JPN", "XQZ", "QQQ"])
    assert not Grouping.objects.filter(code="test-bad").exists()
