from django.apps import AppConfig


class TransferConfig(AppConfig):
    """The whole record as one JSON document: export, import and the streaming reader (no models of its own)."""

    name = "transfer"
