"""What analysis adds to the agreement page (analysis.sections): the comparables and the estimate."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_agreement_page_shows_the_comparables_and_the_estimate_in_both_languages(client: Client) -> None:
    page = client.get("/agreements/france-japan-raa/").content.decode()
    section = page[page.index('id="comparables"') :]
    # Its basis, named: the visiting-forces family, Japan's RAAs and the Philippines' VFAs alike.
    assert (
        "Compared with every agreement whose type is of the same family (visiting-forces: RAA, VFA), whatever its "
        "parties." in section
    )
    assert "Japan–United Kingdom" in section and "Japan–Philippines" in section and "Japan–Australia" in section
    assert "Philippines–United States Visiting Forces Agreement" in section
    assert "470 days" in section and "≈" in section  # Japan–UK's talks to signature; Australia's approximate start
    assert "An estimate, not a record" in section and "4 comparables" in section
    assert "Philippines–Canada Status of Visiting Forces Agreement (290 days)" in section  # in the signature's basis
    german = client.get("/agreements/france-japan-raa/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    german_section = german[german.index('id="comparables"') :]
    assert "470 Tage" in german_section and "Schätzung der nächsten Schritte" in german_section

    # The only mutual defence treaty: a type without a family, and no other agreement of it.
    alone = client.get("/agreements/australia-papua-new-guinea-pukpuk-treaty/").content.decode()
    assert "Compared with the agreements of the same type (MDT) that share a party with it." in alone
    assert "not enough data" in alone and "No other agreement of this type shares a party" in alone
