from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from accounts.policy import Action

from .choices import Status
from .models import Agreement, Milestone
from .selectors import agreements_with_parties, status_counts


def overview(request: HttpRequest) -> HttpResponse:
    """Where every negotiation stands (a first overview; the full dashboard is issue #4)."""
    if not policy.can(request.user, Action.VIEW, Agreement):
        return redirect_to_login(request.get_full_path())
    counts = status_counts()
    context = {
        "agreements": agreements_with_parties().order_by("title"),
        "status_counts": [(status, counts.get(status.value, 0)) for status in Status],
        "overdue": Milestone.objects.overdue().select_related("agreement"),
    }
    return render(request, "negotiations/overview.html", context)
