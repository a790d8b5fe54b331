"""States and groupings through the API: looked up by their codes in any case, searched and filtered."""

import pytest
from django.test import Client

from tests.api.clients import assert_problem
from tests.factories import GroupingFactory, StateFactory

pytestmark = pytest.mark.django_db


def test_page_size_is_capped_at_200(client: Client) -> None:
    response = client.get("/api/v1/states/?page_size=1000")
    assert response.status_code == 200 and len(response.json()["results"]) == 200


def test_states_are_looked_up_by_alpha3_in_any_case(client: Client) -> None:
    assert client.get("/api/v1/states/jPn/").json()["short_name"] == "Japan"
    assert_problem(client.get("/api/v1/states/XXX/"), 404)
    assert_problem(client.get("/api/v1/states/JAPAN/"), 404)


def test_states_are_found_by_name_or_by_either_code(client: Client) -> None:
    ruritania = StateFactory(alpha2="QZ", alpha3="XRU", short_name="Ruritania", name="Kingdom of Ruritania")

    def found(q: str) -> list[str]:
        return [row["alpha3"] for row in client.get("/api/v1/states/", {"q": q}).json()["results"]]

    assert found("ruritan") == [ruritania.alpha3] == ["XRU"]
    assert found("kingdom of rur") == ["XRU"]
    assert found("xru") == ["XRU"]
    assert found("qz") == ["XRU"]


def test_states_of_several_groupings_are_listed_once(client: Client) -> None:
    both, only_first, only_second = StateFactory(), StateFactory(), StateFactory()
    GroupingFactory(code="test-first", members=[both, only_first])
    GroupingFactory(code="test-second", members=[both, only_second])

    response = client.get("/api/v1/states/?grouping=test-first&grouping=TEST-SECOND&page_size=200")

    listed = [row["alpha3"] for row in response.json()["results"]]
    assert sorted(listed) == sorted([both.alpha3, only_first.alpha3, only_second.alpha3])


def test_groupings_are_looked_up_by_code_in_any_case_with_their_members(client: Client) -> None:
    GroupingFactory(code="test-pair", name="A pair", members=["JPN", "FRA"])

    document = client.get("/api/v1/groupings/TEST-pair/").json()

    assert (document["code"], document["name"], document["members"]) == ("test-pair", "A pair", ["FRA", "JPN"])
    assert document["url"].endswith("/api/v1/groupings/test-pair/")
    assert_problem(client.get("/api/v1/groupings/no-such-group/"), 404)


def test_the_member_filter_needs_every_member_named(client: Client) -> None:
    first, second = StateFactory(), StateFactory()
    GroupingFactory(code="test-both", members=[first, second])
    GroupingFactory(code="test-one", members=[first])

    def codes(query: str) -> set[str]:
        return {row["code"] for row in client.get(f"/api/v1/groupings/?{query}").json()["results"]}

    assert codes(f"member={first.alpha3}") == {"test-both", "test-one"}
    assert codes(f"member={first.alpha3}&member={second.alpha3.lower()}") == {"test-both"}
    assert_problem(client.get("/api/v1/groupings/?member=XX1"), 400, "member")
