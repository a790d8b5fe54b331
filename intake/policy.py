"""Who reviews the intake's candidates, registered with accounts.policy when the app is ready: officials the
candidates for agreements their states are party to (or would be, for a new one), administrators all."""

from django.contrib.auth.models import User
from django.db import models

from accounts.policy import Action, Role, party_codes_of, rule_for
from negotiations.policy import agreement_party_codes

from .models import Candidate


def candidate_party_codes(candidate: Candidate) -> frozenset[str]:
    if candidate.agreement_id is not None and candidate.agreement is not None:
        return agreement_party_codes(candidate.agreement)
    return frozenset(candidate.parties.values_list("alpha3", flat=True))


@rule_for(Candidate)
def candidate_rule(user: User, role: Role, action: Action, model: type[models.Model], obj: models.Model | None) -> bool:
    if role == Role.ADMINISTRATOR:
        return True
    if not isinstance(obj, Candidate) or action not in (Action.CHANGE, Action.VIEW):
        return False
    return bool(party_codes_of(user) & candidate_party_codes(obj))
