"""Errors of the API infrastructure (raa_tracker.api) as problem documents: unknown paths, media types, methods."""

import pytest
from django.test import Client

from .clients import assert_problem, session_client

pytestmark = pytest.mark.django_db


def test_wrong_content_type_and_method(official_jp: object) -> None:
    client = session_client(official_jp)
    response = client.generic(
        "PATCH",
        "/api/v1/agreements/france-japan-raa/",
        data="summary=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert_problem(response, 415)
    assert_problem(client.delete("/api/v1/events/1/"), 405)
    assert_problem(client.get("/api/v1/agreements/", headers={"accept": "application/xml"}), 406)


def test_unknown_api_path_is_a_problem_document(client: Client) -> None:
    assert_problem(client.get("/api/v1/no-such-thing/"), 404)
