from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationsConfig(AppConfig):
    name = "negotiations"
    verbose_name = _("Negotiations")

    def ready(self) -> None:
        from . import policy  # noqa: F401 - registers the rules for this app's records with accounts.policy
