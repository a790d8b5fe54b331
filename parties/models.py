from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from raa_tracker.models import TimestampedModel


class State(TimestampedModel):
    """A state or other entry of ISO 3166-1 that can be party to an agreement.

    Loaded from pycountry (`parties.services.states_load_from_iso`), never typed by hand.
    """

    alpha2 = models.CharField(_("ISO alpha-2 code"), max_length=2, unique=True)
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(alpha2=Upper("alpha2"), alpha3=Upper("alpha3")),
                name="state_codes_upper_case",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("state-detail", args=[self.alpha3])


class Grouping(TimestampedModel):
    """A named group of states (G7, EU, NATO, Quad, ...), for filtering by alliance."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(State, related_name="groupings", blank=True, verbose_name=_("members"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("grouping")
        verbose_name_plural = _("groupings")

    def __str__(self) -> str:
        return self.name
