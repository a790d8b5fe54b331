"""SQL that keeps the generation token (record_cache.models.Generation) in step with the record.

PostgreSQL: a statement-level trigger on each watched table marks the transaction once (a
transaction-local setting) by inserting a PendingChange; that row's deferred constraint trigger
replaces the token at commit. SQLite: row triggers replace it at once (SQLite has one writer at a time).
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

# The apps whose tables make up the record that cached pages and lists are built from.
WATCHED_APPS = ("parties", "negotiations")

TRIGGER = "record_cache_mark"

POSTGRES_FUNCTIONS = """
CREATE OR REPLACE FUNCTION record_cache_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('record_cache.marked', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('record_cache.marked', 'yes', true);
        INSERT INTO record_cache_pendingchange DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION record_cache_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_cache_generation (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    DELETE FROM record_cache_pendingchange WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER record_cache_bump AFTER INSERT ON record_cache_pendingchange
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION record_cache_bump();
"""

SQLITE_NEW_TOKEN = "INSERT OR REPLACE INTO record_cache_generation (id, token) VALUES (1, lower(hex(randomblob(16))))"


def watched_models(registry: Apps = global_apps) -> list[type[Model]]:
    """Every table of the watched apps, many-to-many tables included (`registry`: a migration's apps)."""
    return [
        model
        for label in WATCHED_APPS
        for model in registry.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def install(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    """Create the functions (PostgreSQL) and the triggers on `tables`; safe to run again."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS record_cache_bump ON record_cache_pendingchange")
            cursor.execute(POSTGRES_FUNCTIONS)
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
                cursor.execute(
                    f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION record_cache_mark()"
                )
        elif connection.vendor == "sqlite":
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = quote(f"{TRIGGER}_{table}_{event.lower()}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} BEGIN {SQLITE_NEW_TOKEN}; END"
                    )
        else:
            raise NotImplementedError(f"record_cache has no triggers for {connection.vendor}")


def uninstall(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
            else:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(f'{TRIGGER}_{table}_{event}')}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS record_cache_mark() CASCADE")
            cursor.execute("DROP FUNCTION IF EXISTS record_cache_bump() CASCADE")


def tables_without_trigger(connection: BaseDatabaseWrapper) -> list[str]:
    """Watched tables that a change could slip past (a test keeps this empty as models are added)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        else:
            # One trigger per kind of change: a table counts as covered with all three.
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s "
                "GROUP BY tbl_name HAVING COUNT(*) = 3",
                [TRIGGER + "%"],
            )
        covered = {row[0].strip('"') for row in cursor.fetchall()}
    return sorted(model._meta.db_table for model in watched_models() if model._meta.db_table not in covered)
