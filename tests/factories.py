"""Factories for the test data a test builds itself, and `transition`, the builder of status changes.

Everything a factory makes is new (its own states, types, agreements), so a test's figures do not shift when
the seeded record grows; pass a seeded row, or an alpha-3 code, where the test is about the real record.
States and agreement types are looked up by their code first: `StateFactory(alpha3="JPN")` is the seeded Japan.
A status is never set on a row: it moves only through negotiations.services.agreement_transition.
"""

import datetime
import itertools
import string
from collections.abc import Iterable, Sequence

import factory
import pycountry
from django.db import transaction
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from accounts.services import profile_for
from negotiations.choices import MilestoneKind, MilestoneStatus, Status
from negotiations.models import (
    Agreement,
    AgreementType,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from negotiations.services import Actor, agreement_transition
from notifications.models import Watch, WebhookEndpoint
from notifications.signing import new_secret
from parties.models import Grouping, State


def _codes_unused_by_iso(length: int, first_letters: str) -> list[str]:
    """Codes of `length` letters that ISO 3166-1 does not assign, so a new state never meets a seeded one."""
    lookup = "alpha_2" if length == 2 else "alpha_3"
    candidates = ["".join(letters) for letters in itertools.product(string.ascii_uppercase, repeat=length - 1)]
    codes = [first + rest for first in first_letters for rest in candidates]
    return [code for code in codes if pycountry.countries.get(**{lookup: code}) is None]


# Alpha-3 codes from the range ISO 3166-1 leaves to users (XAA–XZZ); alpha-2 codes ISO does not assign.
FREE_ALPHA3 = _codes_unused_by_iso(3, "X")
FREE_ALPHA2 = _codes_unused_by_iso(2, string.ascii_uppercase)


def state_of(state: State | str) -> State:
    """A State given as itself or as an alpha-3 code (seeded or made here)."""
    return state if isinstance(state, State) else StateFactory(alpha3=state.upper())


class StateFactory(DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("alpha3",)

    alpha3 = factory.Sequence(lambda n: FREE_ALPHA3[n % len(FREE_ALPHA3)])
    alpha2 = factory.Sequence(lambda n: FREE_ALPHA2[n % len(FREE_ALPHA2)])
    short_name = factory.LazyAttribute(lambda state: f"State {state.alpha3}")
    name = factory.LazyAttribute(lambda state: f"Republic of {state.short_name}")


class GroupingFactory(DjangoModelFactory):
    class Meta:
        model = Grouping
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.LazyAttribute(lambda grouping: f"Group {grouping.code}")

    @factory.post_generation
    def members(grouping: Grouping, create: bool, extracted: Iterable[State | str] | None, **_: object) -> None:
        if create and extracted:
            grouping.members.add(*[state_of(state) for state in extracted])


class AgreementTypeFactory(DjangoModelFactory):
    class Meta:
        model = AgreementType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TYPE-{n}")
    name = factory.LazyAttribute(lambda agreement_type: f"Agreement of type {agreement_type.code}")


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Test Agency"
    url = factory.Sequence(lambda n: f"https://example.org/sources/{n}")
    published_on = datetime.date(2024, 1, 1)
    language = "en"


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    agreement = factory.SubFactory("tests.factories.AgreementFactory", parties=[])
    state = factory.SubFactory(StateFactory)


class AgreementFactory(DjangoModelFactory):
    """An agreement between two new states unless `parties` names them (states or alpha-3 codes; [] for none).

    `history` records status changes in order through `transition`: statuses (taking effect today) or
    (status, date) pairs, e.g. `AgreementFactory(history=[(Status.NEGOTIATING, datetime.date(2024, 6, 1))])`.
    """

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Test Agreement {n}")
    slug = factory.Sequence(lambda n: f"test-agreement-{n}")
    type = factory.SubFactory(AgreementTypeFactory)

    @factory.post_generation
    def parties(agreement: Agreement, create: bool, extracted: Iterable[State | str] | None, **_: object) -> None:
        if not create:
            return
        states = [StateFactory(), StateFactory()] if extracted is None else [state_of(state) for state in extracted]
        for state in states:
            ParticipationFactory(agreement=agreement, state=state)

    @factory.post_generation
    def history(
        agreement: Agreement,
        create: bool,
        extracted: Sequence[Status | tuple[Status, datetime.date]] | None,
        **_: object,
    ) -> None:
        if not create:
            return
        for step in extracted or ():
            status, on = step if isinstance(step, tuple) else (step, None)
            transition(agreement, status, on=on)


class NegotiationRoundFactory(DjangoModelFactory):
    class Meta:
        model = NegotiationRound

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.LazyAttribute(lambda round: round.agreement.rounds.count() + 1)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    place = "Geneva"


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    agreement = factory.SubFactory(AgreementFactory)
    kind = MilestoneKind.OTHER
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = MilestoneStatus.PLANNED


class UserFactory(DjangoModelFactory):
    """A signed-in reader (an analyst); with `states`, an official of those states (states or alpha-3 codes).

    `profile__language="de"`, `profile__time_zone=...` set the profile (accounts.models.Profile).
    """

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = Password("pw")

    @factory.post_generation
    def states(user: object, create: bool, extracted: Iterable[State | str] | None, **_: object) -> None:
        if create and extracted:
            profile_for(user).states.add(*[state_of(state) for state in extracted])

    @factory.post_generation
    def profile(user: object, create: bool, extracted: None, **fields: object) -> None:
        if not (create and fields):
            return
        profile = profile_for(user)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()


class OfficialFactory(UserFactory):
    """A user who acts for states: one new state unless `states` names them."""

    username = factory.Sequence(lambda n: f"official-{n}")

    @factory.post_generation
    def states(user: object, create: bool, extracted: Iterable[State | str] | None, **_: object) -> None:
        if create:
            states = [StateFactory()] if extracted is None else [state_of(state) for state in extracted]
            profile_for(user).states.add(*states)


class AdministratorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin-{n}")
    is_staff = True
    is_superuser = True


class WebhookEndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    user = factory.SubFactory(UserFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/{n}")
    secret = factory.LazyFunction(new_secret)
    events = factory.LazyFunction(list)


class WatchFactory(DjangoModelFactory):
    """A watch of one agreement; `of_state=True` or `of_everything=True` for the other targets."""

    class Meta:
        model = Watch
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    agreement = factory.SubFactory(AgreementFactory)
    state = None
    everything = False

    class Params:
        of_state = factory.Trait(agreement=None, state=factory.SubFactory(StateFactory))
        of_everything = factory.Trait(agreement=None, everything=True)

    @factory.post_generation
    def webhooks(watch: Watch, create: bool, extracted: Iterable[WebhookEndpoint] | None, **_: object) -> None:
        if create and extracted:
            watch.webhooks.set(extracted)


def transition(
    agreement: Agreement,
    status: Status | str,
    *,
    on: datetime.date | None = None,
    actor: Actor = None,
    source: Source | None = None,
    **fields: object,
) -> StatusEvent:
    """Record a status change through agreement_transition, as the application itself unless `actor` is given,
    on `on` (today by default), citing `source` or a new one. Other fields (note, place, corrects, ...) pass
    through. A refused move raises as the service does and keeps nothing, not even the new source."""
    with transaction.atomic():
        return agreement_transition(
            actor=actor,
            agreement=agreement,
            status=status,
            effective_on=on or timezone.localdate(),
            source=SourceFactory() if source is None else source,
            **fields,
        )
