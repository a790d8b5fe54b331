"""What analysis adds to negotiations' pages (negotiations.pages): the agreement's timeline, its durations
beside the comparable agreements' with the Gantt and forecast, and a state's network of partners."""

import datetime
from collections.abc import Mapping
from typing import Any

from negotiations.models import Agreement, StatusEvent
from negotiations.pages import AgreementSection, StateSection
from negotiations.selectors import AgreementPage
from parties.models import State

from . import durations
from .charts.gantt import gantt
from .charts.network import network
from .charts.timeline import build_timeline


def _status_label(event: StatusEvent) -> str:
    return event.get_status_display()


def timeline(page: AgreementPage, today: datetime.date) -> Mapping[str, Any]:
    return {"timeline": build_timeline(page.history, page.rounds, page.milestones, today, status_label=_status_label)}


def comparison(page: AgreementPage, today: datetime.date) -> Mapping[str, Any]:
    compared = durations.compare(page.agreement, today)
    return {"comparison": compared, "gantt": gantt(compared, today)}


def partners(state: State, agreements: list[Agreement]) -> Mapping[str, Any]:
    return {"network": network(state, agreements)}


AGREEMENT_SECTIONS = [
    AgreementSection("analysis/_timeline_section.html", timeline),
    AgreementSection("analysis/_comparison.html", comparison),
]
STATE_SECTIONS = [StateSection("analysis/_partners.html", partners)]
