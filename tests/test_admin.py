"""Every model the admin site registers, whichever app it belongs to, lists and opens (the apps' own admin
behaviour is tested beside them, e.g. tests/negotiations/test_admin.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from negotiations.models import Agreement

pytestmark = pytest.mark.django_db


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
