import math

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts import policy
from accounts.policy import Action
from negotiations import selectors
from negotiations.choices import Status

from .models import State

NETWORK_SIZE = 360
NETWORK_RADIUS = 130


def state_detail(request: HttpRequest, alpha3: str) -> HttpResponse:
    """A state's agreements by status, and its partners as a small network drawn on the server."""
    if not policy.can(request.user, Action.VIEW, State):
        return redirect_to_login(request.get_full_path())
    state = get_object_or_404(State, alpha3=alpha3.upper())
    agreements = list(selectors.state_agreements(state))
    by_status = []
    for status in Status:
        rows = [a for a in agreements if a.status == status]
        if rows:
            by_status.append((status, rows))
    unrecorded = [a for a in agreements if not a.status]
    partners = selectors.partners_of(state)
    centre = NETWORK_SIZE / 2
    nodes = []
    for n, (partner, shared) in enumerate(partners):
        angle = 2 * math.pi * n / max(len(partners), 1) - math.pi / 2
        x = round(centre + NETWORK_RADIUS * math.cos(angle), 1)
        y = round(centre + NETWORK_RADIUS * math.sin(angle), 1)
        nodes.append({"state": partner, "shared": shared, "x": x, "y": y, "anchor": "start" if x >= centre else "end"})
    context = {
        "state": state,
        "by_status": by_status,
        "unrecorded": unrecorded,
        "partners": partners,
        "nodes": nodes,
        "size": NETWORK_SIZE,
        "centre": centre,
        "agreement_count": len(agreements),
    }
    return render(request, "parties/state_detail.html", context)
