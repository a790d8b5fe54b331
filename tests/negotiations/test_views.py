import pytest
from django.test import Client
from django.urls import reverse

from negotiations.models import Agreement

pytestmark = pytest.mark.django_db


def test_overview_lists_the_seeded_record(client: Client, django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "France–Japan Reciprocal Access Agreement" in page
    assert "Aim to conclude by end of 2024" in page  # the overdue milestone
    assert "2023-08-13" in page


def test_overview_query_count_does_not_grow_with_rows(client: Client, django_assert_num_queries: object) -> None:
    client.get("/")  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/")
    source = Agreement.objects.get(slug="japan-uk-raa")
    for n in range(20):
        clone = Agreement.objects.create(title=f"Copy {n}", slug=f"copy-{n}", type=source.type)
        clone.participations.create(state=source.participations.first().state)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


def test_private_deployment_sends_anonymous_visitors_to_sign_in(client: Client, settings: object) -> None:
    settings.PUBLIC_READ = False
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(settings.LOGIN_URL)


def test_german_browser_gets_german_lang_attribute(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "de"})
    assert '<html lang="de">' in response.content.decode()


def test_admin_requires_sign_in(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_is_for_administrators_only(client: Client, official_jp: object) -> None:
    official_jp.is_staff = True
    official_jp.save()
    client.force_login(official_jp)
    response = client.get(reverse("admin:negotiations_agreement_changelist"))
    assert response.status_code == 302


def test_every_admin_list_and_form_renders(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    from django.contrib import admin

    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200, info
    agreement = Agreement.objects.get(slug="france-japan-raa")
    page = client.get(reverse("admin:negotiations_agreement_change", args=[agreement.pk])).content.decode()
    assert "Record a status change" in page and "Aim to conclude by end of 2024" in page


def test_healthz_answers_any_host_over_plain_http(client: Client, settings: object) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["raa.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert (response.status_code, response.content) == (200, b"ok")
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
