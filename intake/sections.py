"""What the intake adds to the agreement page (negotiations.pages): the "from the news" panel, the candidate
facts of articles that concern the agreement and wait for review."""

import datetime
from collections.abc import Mapping
from typing import Any

from negotiations.pages import AgreementSection
from negotiations.selectors import AgreementPage

from . import presentation, selectors

PANEL_SIZE = 5


def from_the_news(page: AgreementPage, today: datetime.date) -> Mapping[str, Any]:
    candidates = selectors.pending_for(page.agreement.pk, PANEL_SIZE)
    for candidate in candidates:
        candidate.marked = presentation.evidence(candidate)  # type: ignore[attr-defined]
    return {"news_candidates": candidates}


AGREEMENT_SECTIONS = [AgreementSection("intake/_agreement_panel.html", from_the_news)]
