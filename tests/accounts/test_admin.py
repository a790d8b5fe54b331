"""The admin site is the administrators' tool (accounts.admin): a sign-in first, and staff officials kept out."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_requires_sign_in(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_is_for_administrators_only(client: Client, official_jp: object) -> None:
    official_jp.is_staff = True
    official_jp.save()
    client.force_login(official_jp)
    response = client.get(reverse("admin:negotiations_agreement_changelist"))
    assert response.status_code == 302
