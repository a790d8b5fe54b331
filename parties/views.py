from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts import policy
from analysis import charts
from negotiations import selectors
from negotiations.choices import Status

from .models import State


@policy.readable_page(State)
def state_detail(request: HttpRequest, alpha3: str) -> HttpResponse:
    """A state's agreements by status, and its partners as a small network drawn on the server."""
    state = get_object_or_404(State, alpha3=alpha3.upper())
    agreements = list(selectors.state_agreements(state))
    by_status = []
    for status in Status:
        rows = [a for a in agreements if a.status == status]
        if rows:
            by_status.append((status, rows))
    unrecorded = [a for a in agreements if not a.status]
    context = {
        "state": state,
        "by_status": by_status,
        "unrecorded": unrecorded,
        "network": charts.network(state, agreements),
        "agreement_count": len(agreements),
    }
    return render(request, "parties/state_detail.html", context)
