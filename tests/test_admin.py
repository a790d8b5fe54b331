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


def test_groupings_and_agreement_types_are_saved_by_their_services(client: Client, administrator: object) -> None:
    from negotiations.models import AgreementType
    from parties.models import Grouping, State

    client.force_login(administrator)
    members = list(State.objects.filter(alpha3__in=["FRA", "JPN"]).values_list("pk", flat=True))
    added = client.post(reverse("admin:parties_grouping_add"), {"code": "pair", "name": "A pair", "members": members})
    assert added.status_code == 302
    pair = Grouping.objects.get(code="pair")
    assert sorted(pair.members.values_list("alpha3", flat=True)) == ["FRA", "JPN"]
    change = reverse("admin:parties_grouping_change", args=[pair.pk])
    assert client.post(change, {"code": "renamed", "name": "The pair", "members": members[:1]}).status_code == 302
    pair.refresh_from_db()
    assert (pair.code, pair.name, pair.members.count()) == ("pair", "The pair", 1)

    raa = AgreementType.objects.get(code="RAA")
    change = reverse("admin:negotiations_agreementtype_change", args=[raa.pk])
    assert client.post(change, {"code": "XYZ", "name": "Renamed", "description": ""}).status_code == 302
    raa.refresh_from_db()
    assert (raa.code, raa.name) == ("RAA", "Renamed")
    added = client.post(reverse("admin:negotiations_agreementtype_add"), {"code": "", "name": "No code"})
    assert added.status_code == 200 and "code" in added.context["adminform"].form.errors
