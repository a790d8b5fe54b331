"""States: how they are named and linked, and the single-row rules the database holds."""

import pytest
from django.db import IntegrityError, transaction

from parties.models import State
from tests.factories import GroupingFactory, StateFactory

pytestmark = pytest.mark.django_db


def _refused(fn: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_database_refuses_lower_case_state_codes() -> None:
    _refused(lambda: State.objects.create(alpha2="xx", alpha3="XXA", name="X", short_name="X"))


def test_database_refuses_a_second_state_with_the_same_code() -> None:
    japan = State.objects.get(alpha3="JPN")
    _refused(lambda: State.objects.create(alpha2="JP", alpha3="XJP", name="Copy", short_name="Copy"))
    _refused(lambda: State.objects.create(alpha2="XJ", alpha3=japan.alpha3, name="Copy", short_name="Copy"))


def test_a_state_is_shown_by_its_short_name_and_linked_by_its_alpha3_code() -> None:
    state = StateFactory(short_name="Ruritania")
    assert str(state) == "Ruritania"
    assert state.get_absolute_url() == f"/states/{state.alpha3}/"


def test_states_and_groupings_are_listed_by_name() -> None:
    StateFactory(short_name="AAA Land")
    assert State.objects.first().short_name == "AAA Land"
    grouping = GroupingFactory(name="AAA group")
    assert str(grouping) == "AAA group"
    assert grouping.__class__.objects.first() == grouping
