"""The project's middleware (raa_tracker.middleware): /healthz answers before host validation and HTTPS."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_any_host_over_plain_http(client: Client, settings: object) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["raa.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert (response.status_code, response.content) == (200, b"ok")
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
