from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from .triggers import install, tables_without_trigger


class RecordCacheConfig(AppConfig):
    name = "record_cache"
    verbose_name = "Record cache"

    def ready(self) -> None:
        post_migrate.connect(install_missing_triggers, sender=self, dispatch_uid="record_cache_triggers")


def install_missing_triggers(*, using: str, **kwargs: Any) -> None:
    """After every migrate, give each watched table that has none its trigger, so that a migration adding a
    table to parties or negotiations need not remember to (the first migration installs the rest)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "record_cache_generation" not in existing:
        return  # record_cache is not migrated (yet, or any more) on this database
    missing = [table for table in tables_without_trigger(connection) if table in existing]
    if missing:
        install(connection, missing)
