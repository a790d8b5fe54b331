"""Reads of the intake: candidates with what their pages and the API show, in few queries."""

from django.db.models import QuerySet

from .models import Candidate


def candidates() -> QuerySet[Candidate]:
    return Candidate.objects.select_related(
        "article", "agreement", "type", "party", "matched_event", "matched_round", "matched_milestone",
        "matched_participation", "reviewed_by",
    ).prefetch_related("parties")  # fmt: skip
