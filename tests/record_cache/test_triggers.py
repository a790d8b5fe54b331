"""The record's generation token (record_cache.triggers): a trigger on every table of the record replaces it
with each committed change, however the change is made, and only then."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from negotiations.models import Agreement
from record_cache.cache import current_token
from record_cache.triggers import tables_without_trigger

# Committed changes (the token changes at commit), restored afterwards for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_every_table_of_the_record_has_its_trigger(db: None) -> None:
    assert tables_without_trigger(connection) == []


def test_the_token_changes_with_each_committed_change_and_only_then(seeded: None) -> None:
    agreement = Agreement.objects.get(slug="japan-uk-raa")
    first = current_token()
    Agreement.objects.filter(pk=agreement.pk).update(summary="Changed by a bulk update")
    second = current_token()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE negotiations_agreement SET summary = 'raw SQL' WHERE id = %s", [agreement.pk])
    third = current_token()
    assert len({first, second, third}) == 3

    with pytest.raises(RuntimeError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(summary="rolled back")
        raise RuntimeError
    assert current_token() == third

    get_user_model().objects.create_user("not-the-record")  # users are not part of the record
    assert current_token() == third
