"""Sections that the apps above negotiations add to its pages, as NetBox's plugins add template content:
the agreement page shows analysis' timeline and comparison, the state page its network of partners, and
negotiations imports neither. An app registers its sections in its AppConfig.ready(); the page renders them
in the order registered, each from its template with the names its `context` returns."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from parties.models import State

from .models import Agreement
from .selectors import AgreementPage


@dataclass(frozen=True)
class AgreementSection:
    template: str
    context: Callable[[AgreementPage, datetime.date], Mapping[str, Any]]


@dataclass(frozen=True)
class StateSection:
    template: str
    context: Callable[[State, list[Agreement]], Mapping[str, Any]]


AGREEMENT_SECTIONS: list[AgreementSection] = []
STATE_SECTIONS: list[StateSection] = []


def sections_context(sections: list[AgreementSection] | list[StateSection], *args: Any) -> dict[str, Any]:
    """The templates to include, as `sections`, and the names they need, for the page's context."""
    context: dict[str, Any] = {"sections": [section.template for section in sections]}
    for section in sections:
        context.update(section.context(*args))
    return context
