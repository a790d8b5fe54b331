from collections.abc import Callable
from typing import IO, Any

from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """The record's interchange format (docs/import-format.md): spreadsheets and YAML in and out, and the seed."""

    name = "interchange"
    verbose_name = "Import and export of the record"

    def ready(self) -> None:
        """Offer the agreement list's downloads in the interchange format: ?format=xlsx and ?format=ods."""
        from negotiations.models import Agreement
        from raa_tracker.api.export import ListExport, register_list_export

        from . import exporter

        def writer(kind: str) -> Callable[[Any, IO[bytes]], None]:
            return lambda agreements, out: exporter.write(agreements, kind, out)

        for kind in ("xlsx", "ods"):
            media_type, _extension = exporter.FORMATS[kind]
            register_list_export(Agreement, ListExport(kind, media_type, writer(kind)))
