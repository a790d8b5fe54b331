"""Each list endpoint makes the same number of queries at page size 5 and 200."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from negotiations.choices import Status
from negotiations.models import Agreement, AgreementType, Milestone, NegotiationRound, Participation, Source
from negotiations.services import agreement_transition
from parties.models import State

from .conftest import session_client

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/states/",
    "/api/v1/groupings/",
    "/api/v1/agreement-types/",
    "/api/v1/agreements/",
    "/api/v1/agreements/?party=JPN&status=negotiating",
    "/api/v1/rounds/",
    "/api/v1/milestones/",
    "/api/v1/events/",
    "/api/v1/sources/",
    "/api/v1/tokens/",
]


@pytest.fixture
def many_rows(administrator: object) -> None:
    """110 agreements of Japan with a partner each, an event, a round, a milestone and a source."""
    raa = AgreementType.objects.get(code="RAA")
    japan = State.objects.get(alpha3="JPN")
    partners = list(State.objects.exclude(alpha3="JPN").order_by("alpha3")[:110])
    for n, partner in enumerate(partners):
        agreement = Agreement.objects.create(title=f"Agreement {n}", slug=f"agreement-{n}", type=raa)
        Participation.objects.bulk_create(
            [Participation(agreement=agreement, state=japan), Participation(agreement=agreement, state=partner)]
        )
        source = Source.objects.create(title=f"Source {n}", publisher="Bulk")
        agreement_transition(
            actor=None,
            agreement=agreement,
            status=Status.NEGOTIATING,
            effective_on=datetime.date(2020, 1, 1),
            source=source,
        )
        NegotiationRound.objects.create(agreement=agreement, number=1, starts_on=datetime.date(2020, 2, 1))
        Milestone.objects.create(agreement=agreement, title=f"Milestone {n}", due_on=datetime.date(2030, 1, 1))
    from accounts.services import token_create

    for n in range(110):
        token_create(user=administrator, name=f"t{n}")


def _queries(client: Client, url: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()["results"]


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_page_size(url: str, many_rows: None, administrator: object) -> None:
    client = session_client(administrator)
    client.get("/api/v1/")  # session and content types warmed up
    separator = "&" if "?" in url else "?"
    small, small_rows = _queries(client, f"{url}{separator}page_size=5")
    large, large_rows = _queries(client, f"{url}{separator}page_size=200")
    assert (
        len(small_rows) == 5
        and len(large_rows) >= 100
        or len(large_rows) == len(small_rows) < 5
        or (len(large_rows) > len(small_rows))
    )
    assert small == large, f"{url}: {small} queries at page size 5, {large} at 100"
    print(f"{url}: {large} queries")
