"""What officials and administrators may do with the negotiation records, registered with accounts.policy
(which callers ask: `policy.can`, `policy.require`) when the app is ready."""

from django.contrib.auth.models import User
from django.db import models

from accounts.policy import Action, Role, party_codes_of, role_of, rule_for

from .models import (
    Agreement,
    Change,
    Citation,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)


def agreement_party_codes(obj: models.Model) -> frozenset[str]:
    """The parties of the agreement an object belongs to (or the agreement itself)."""
    agreement = obj if isinstance(obj, Agreement) else getattr(obj, "agreement", None)
    if agreement is None or agreement.pk is None:
        return frozenset()
    return frozenset(agreement.participations.values_list("state__alpha3", flat=True))


def _source_is_theirs(user: User, source: Source) -> bool:
    """An official may change a source only when every agreement citing it is theirs (or nothing cites it yet
    and they added it): evidence for another state's agreement is not theirs to alter."""
    citing = (
        Agreement.objects.filter(
            models.Q(events__source=source)
            | models.Q(rounds__source=source)
            | models.Q(milestones__source=source)
            | models.Q(participations__source=source)
            | models.Q(citations__source=source)
        )
        .distinct()
        .prefetch_related("participations__state")
    )
    mine = party_codes_of(user)
    agreements = list(citing)
    if not agreements:
        return source.created_by_id == user.pk
    return all(mine & {p.state.alpha3 for p in agreement.participations.all()} for agreement in agreements)


@rule_for(Source)
def source_rule(user: User, role: Role, action: Action, model: type[models.Model], source: models.Model | None) -> bool:
    """Anyone who records progress may cite a new source; changing one is for those whose agreements cite it."""
    if role == Role.ADMINISTRATOR:
        return True
    if action == Action.CORRECT:
        return False
    if action == Action.CREATE:
        return True
    return isinstance(source, Source) and _source_is_theirs(user, source)


@rule_for(Agreement, Participation, NegotiationRound, Milestone, StatusEvent, Citation, ErrorReport)
def agreement_record_rule(
    user: User, role: Role, action: Action, model: type[models.Model], obj: models.Model | None
) -> bool:
    """Officials act on the agreements to which one of their states is party. Status events are never changed
    or deleted by anyone (an administrator corrects them); only administrators correct, or delete agreements."""
    if model is StatusEvent and action in (Action.CHANGE, Action.DELETE):
        return False
    if role == Role.ADMINISTRATOR:
        return True
    if action == Action.CORRECT:
        return False
    if model is Agreement and action == Action.DELETE:
        return False
    if obj is None:
        return action == Action.CREATE  # the parties are checked when the object is saved
    return bool(party_codes_of(user) & agreement_party_codes(obj))


@rule_for(Change)
def change_rule(user: User, role: Role, action: Action, model: type[models.Model], obj: models.Model | None) -> bool:
    """The change log is written by the services as a side of each write, and never changed or deleted, by
    anyone: an administrator who could edit it could rewrite who did what."""
    return False


def may_see_report(user: User, report: ErrorReport) -> bool:
    """Reports are for those who resolve them (officials of the parties, administrators) and their reporter."""
    if not user.is_authenticated or not user.is_active:
        return False
    return report.reporter_id == user.pk or agreement_record_rule(
        user, role_of(user), Action.CHANGE, ErrorReport, report
    )
