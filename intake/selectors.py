"""Reads of the intake: candidates with what their pages and the API show, in few queries."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Candidate

if TYPE_CHECKING:
    from accounts.policy import Reader


def candidates() -> QuerySet[Candidate]:
    return Candidate.objects.select_related(
        "article", "agreement", "type", "party", "matched_event", "matched_round", "matched_milestone",
        "matched_participation", "reviewed_by",
    ).prefetch_related("parties")  # fmt: skip


def mark_reviewable(user: "Reader", candidates: list[Candidate]) -> None:
    """For the templates only: whether `user` may review each candidate (the services ask the policy again).
    From the prefetched parties, so that a page of candidates costs no query per row."""
    from accounts.policy import Role, party_codes_of, role_of

    role = role_of(user)
    mine = party_codes_of(user)
    for candidate in candidates:
        codes = {state.alpha3 for state in candidate.parties.all()}
        candidate.may_review = role == Role.ADMINISTRATOR or bool(mine & codes)  # type: ignore[attr-defined]


def pending_for(agreement_id: int, limit: int) -> list[Candidate]:
    """The candidates waiting for review that concern one agreement, most confident first."""
    return list(
        candidates().filter(agreement_id=agreement_id, review="pending").order_by("-confidence", "-created_at")[:limit]
    )
