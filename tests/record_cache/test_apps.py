"""Watched tables get their trigger after every migrate, so a new table of the record cannot slip past it."""

import pytest
from django.core.management import call_command
from django.db import connection

from negotiations.models import Source
from record_cache import triggers
from record_cache.triggers import tables_without_trigger

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _drop_trigger(table: str) -> None:
    """What a migration adding `table` would leave: the table without its trigger (the functions stay)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {triggers.TRIGGER} ON {quote(table)}")
        else:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER {quote(f'{triggers.TRIGGER}_{table}_{event}')}")


def test_migrate_installs_the_trigger_of_a_table_that_has_none() -> None:
    table = Source._meta.db_table
    _drop_trigger(table)
    try:
        assert tables_without_trigger(connection) == [table]
        call_command("migrate", verbosity=0)
        assert tables_without_trigger(connection) == []
    finally:
        triggers.install(connection, [model._meta.db_table for model in triggers.watched_models()])
