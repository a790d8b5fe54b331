"""What analysis adds to the agreement page (analysis.sections): the comparables and the estimate."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_agreement_page_shows_the_comparables_and_the_estimate_in_both_languages(client: Client) -> None:
    page = client.get("/agreements/france-japan-raa/").content.decode()
    section = page[page.index('id="comparables"') :]
    assert "Japan–United Kingdom" in section and "Japan–Philippines" in section and "Japan–Australia" in section
    assert "470 days" in section and "≈" in section  # Japan–UK's talks to signature; Australia's approximate start
    assert "An estimate, not a record" in section and "3 comparables" in section
    german = client.get("/agreements/france-japan-raa/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    german_section = german[german.index('id="comparables"') :]
    assert "470 Tage" in german_section and "Schätzung der nächsten Schritte" in german_section

    italy = client.get("/agreements/japan-italy-acsa/").content.decode()
    assert "not enough data" in italy and "No other agreement of this type shares a party" in italy
