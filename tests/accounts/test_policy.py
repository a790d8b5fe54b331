"""The full matrix of role × party × action of accounts.policy, written out by hand.

Letters: v view, c create, m modify (change), d delete, t transition (record a
status change), x correct. Each row lists, per persona, exactly the actions allowed
among the actions tested for that target.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from accounts import policy
from accounts.policy import Action, Role
from negotiations.models import (
    Agreement,
    AgreementType,
    Change,
    Citation,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from parties.models import Grouping, State

pytestmark = pytest.mark.django_db

LETTERS = {
    "v": Action.VIEW,
    "c": Action.CREATE,
    "m": Action.CHANGE,
    "d": Action.DELETE,
    "t": Action.TRANSITION,
    "x": Action.CORRECT,
}
PERSONAS = ["anonymous", "analyst", "official_jp", "official_fr", "administrator"]

# target: (actions tested, {persona: allowed})
MATRIX = {
    "Agreement (new)": ("vc", ["v", "v", "vc", "vc", "vc"]),
    "Japan–Australia": ("vmdtx", ["v", "v", "vmt", "v", "vmdtx"]),
    "France–Japan": ("vmdtx", ["v", "v", "vmt", "vmt", "vmdtx"]),
    "round of Japan–Australia": ("vcmd", ["v", "v", "vcmd", "v", "vcmd"]),
    "round of France–Japan": ("vcmd", ["v", "v", "vcmd", "vcmd", "vcmd"]),
    "milestone of Japan–Australia": ("vcmd", ["v", "v", "vcmd", "v", "vcmd"]),
    "milestone of France–Japan": ("vcmd", ["v", "v", "vcmd", "vcmd", "vcmd"]),
    "participation in Japan–Australia": ("vcmd", ["v", "v", "vcmd", "v", "vcmd"]),
    "participation in France–Japan": ("vcmd", ["v", "v", "vcmd", "vcmd", "vcmd"]),
    "event of Japan–Australia": ("vcmdx", ["v", "v", "vc", "v", "vcx"]),
    "event of France–Japan": ("vcmdx", ["v", "v", "vc", "vc", "vcx"]),
    "Source (new)": ("vc", ["v", "v", "vc", "vc", "vc"]),
    "source cited by Japan–Australia only": ("vmd", ["v", "v", "vmd", "v", "vmd"]),
    "source cited by France–Japan only": ("vmd", ["v", "v", "vmd", "vmd", "vmd"]),
    "uncited source added by official_fr": ("vmd", ["v", "v", "v", "vmd", "vmd"]),
    "State": ("vcmd", ["v", "v", "v", "v", "vcmd"]),
    "Grouping": ("vcmd", ["v", "v", "v", "v", "vcmd"]),
    "AgreementType": ("vcmd", ["v", "v", "v", "v", "vcmd"]),
    "change row": ("vcmd", ["v", "v", "v", "v", "v"]),
    "citation on Japan–Australia": ("vcmd", ["v", "v", "vcmd", "v", "vcmd"]),
    "citation on France–Japan": ("vcmd", ["v", "v", "vcmd", "vcmd", "vcmd"]),
    # Resolving a report is changing it; filing one is the service's (any signed-in user), not the policy's.
    "report on Japan–Australia": ("m", ["", "", "m", "", "m"]),
}


def _targets(official_fr: object) -> dict[str, object]:
    ja = Agreement.objects.get(slug="japan-australia-raa")
    fj = Agreement.objects.get(slug="france-japan-raa")
    return {
        "Agreement (new)": Agreement,
        "Japan–Australia": ja,
        "France–Japan": fj,
        "round of Japan–Australia": NegotiationRound(agreement=ja, number=1, starts_on="2020-01-01"),
        "round of France–Japan": NegotiationRound(agreement=fj, number=1, starts_on="2024-06-01"),
        "milestone of Japan–Australia": ja.milestones.first(),
        "milestone of France–Japan": fj.milestones.first(),
        "participation in Japan–Australia": ja.participations.first(),
        "participation in France–Japan": fj.participations.first(),
        "event of Japan–Australia": ja.events.first(),
        "event of France–Japan": fj.events.first(),
        "Source (new)": Source,
        "source cited by Japan–Australia only": Source.objects.get(url__endswith="page4e_001195.html"),
        "source cited by France–Japan only": Source.objects.get(
            url__endswith="/2024/09/18/japan/politics/france-ambassador-japan-interview/"
        ),
        "uncited source added by official_fr": Source.objects.create(title="t", publisher="p", created_by=official_fr),
        "State": State.objects.get(alpha3="JPN"),
        "Grouping": Grouping.objects.get(code="g7"),
        "AgreementType": AgreementType.objects.get(code="RAA"),
        "change row": Change.objects.filter(agreement=ja).first(),
        "citation on Japan–Australia": Citation(agreement=ja, event=ja.events.first(), source=Source(pk=1)),
        "citation on France–Japan": Citation(agreement=fj, event=fj.events.first(), source=Source(pk=1)),
        "report on Japan–Australia": ErrorReport(agreement=ja, note="x"),
    }


@pytest.fixture
def personas(analyst: object, official_jp: object, official_fr: object, administrator: object) -> dict[str, object]:
    return {
        "anonymous": AnonymousUser(),
        "analyst": analyst,
        "official_jp": official_jp,
        "official_fr": official_fr,
        "administrator": administrator,
    }


@pytest.mark.parametrize("target_name", list(MATRIX))
def test_policy_matrix(target_name: str, personas: dict[str, object]) -> None:
    target = _targets(personas["official_fr"])[target_name]
    tested, allowed_by_persona = MATRIX[target_name]
    mismatches = []
    for persona, allowed in zip(PERSONAS, allowed_by_persona, strict=True):
        for letter in tested:
            expected = letter in allowed
            if policy.can(personas[persona], LETTERS[letter], target) != expected:
                mismatches.append(f"{persona} {LETTERS[letter].value}: expected {expected}")
    assert not mismatches, mismatches


def test_every_kind_of_object_is_in_the_matrix() -> None:
    covered = {
        Agreement,
        NegotiationRound,
        Milestone,
        Participation,
        StatusEvent,
        Source,
        State,
        Grouping,
        AgreementType,
        Change,
        Citation,
        ErrorReport,
    }
    from django.apps import apps

    domain = {m for m in apps.get_models() if m._meta.app_label in ("negotiations", "parties")}
    assert domain <= covered


def test_roles(personas: dict[str, object]) -> None:
    assert [policy.role_of(personas[p]) for p in PERSONAS] == [
        Role.ANONYMOUS,
        Role.ANALYST,
        Role.OFFICIAL,
        Role.OFFICIAL,
        Role.ADMINISTRATOR,
    ]
    assert policy.role_of(None) == Role.ANONYMOUS


def test_inactive_user_is_anonymous(official_jp: object) -> None:
    official_jp.is_active = False
    assert policy.role_of(official_jp) == Role.ANONYMOUS
    assert not policy.can(official_jp, Action.TRANSITION, Agreement.objects.get(slug="france-japan-raa"))


@override_settings(PUBLIC_READ=False)
def test_private_deployment_needs_a_login_to_read(personas: dict[str, object]) -> None:
    agreement = Agreement.objects.get(slug="france-japan-raa")
    assert not policy.can(personas["anonymous"], Action.VIEW, agreement)
    with pytest.raises(PermissionDenied, match="Sign in"):
        policy.require(personas["anonymous"], Action.VIEW, agreement)
    assert all(policy.can(personas[p], Action.VIEW, agreement) for p in PERSONAS[1:])


def test_refusal_explains_itself(official_fr: object) -> None:
    with pytest.raises(PermissionDenied, match="You act for FRA, which is not a party"):
        policy.require(official_fr, Action.CHANGE, Agreement.objects.get(slug="japan-australia-raa"))
