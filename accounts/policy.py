"""Who may do what: the one policy that the admin, the dashboard and the API all ask.

Roles (DOMAIN.md, issue #2):
- anonymous visitors read when settings.PUBLIC_READ is true, and nothing else;
- analysts (signed-in users acting for no state) read everything;
- officials act for one or more states and may create and change agreements,
  participations, rounds, milestones, status events and sources only where
  one of their states is a party;
- administrators (superusers) may do everything, including corrections.

Status events are never changed or deleted by anyone: they are corrected.
"""

import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    ANONYMOUS = "anonymous"
    ANALYST = "analyst"
    OFFICIAL = "official"
    ADMINISTRATOR = "administrator"


class Action(models.TextChoices):
    VIEW = "view", gettext_lazy("view")
    CREATE = "create", gettext_lazy("create")
    CHANGE = "change", gettext_lazy("change")
    DELETE = "delete", gettext_lazy("delete")
    TRANSITION = "transition", gettext_lazy("record a status change for")  # record a status change
    CORRECT = "correct", gettext_lazy("correct")  # mend a wrong status entry


def _user_or_anonymous(user: object) -> object:
    return user if user is not None else AnonymousUser()


def role_of(user: object) -> Role:
    user = _user_or_anonymous(user)
    if not user.is_authenticated or not user.is_active:
        return Role.ANONYMOUS
    if user.is_superuser:
        return Role.ADMINISTRATOR
    if party_codes_of(user):
        return Role.OFFICIAL
    return Role.ANALYST


def party_codes_of(user: object) -> frozenset[str]:
    """The alpha-3 codes of the states a user acts for, cached on the user object for the request."""
    user = _user_or_anonymous(user)
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_party_codes", None)
    if cached is None:
        from parties.models import State

        cached = frozenset(State.objects.filter(officials__user=user).values_list("alpha3", flat=True))
        user._party_codes = cached
    return cached


def agreement_party_codes(obj: models.Model) -> frozenset[str]:
    """The parties of the agreement an object belongs to (or the agreement itself)."""
    from negotiations.models import Agreement

    agreement = obj if isinstance(obj, Agreement) else getattr(obj, "agreement", None)
    if agreement is None or agreement.pk is None:
        return frozenset()
    return frozenset(agreement.participations.values_list("state__alpha3", flat=True))


def _source_is_theirs(user: object, source: models.Model) -> bool:
    """An official may change a source only when every agreement citing it is theirs (or nothing cites it yet
    and they added it): evidence for another state's agreement is not theirs to alter."""
    from negotiations.models import Agreement

    citing = (
        Agreement.objects.filter(
            models.Q(events__source=source)
            | models.Q(rounds__source=source)
            | models.Q(milestones__source=source)
            | models.Q(participations__source=source)
        )
        .distinct()
        .prefetch_related("participations__state")
    )
    mine = party_codes_of(user)
    agreements = list(citing)
    if not agreements:
        return source.created_by_id == user.pk
    return all(mine & {p.state.alpha3 for p in agreement.participations.all()} for agreement in agreements)


def can(user: object, action: Action, obj: models.Model | type[models.Model]) -> bool:
    """Whether `user` may take `action` on `obj` (an instance, or a model class for creating)."""
    from negotiations.models import Agreement, Milestone, NegotiationRound, Participation, Source, StatusEvent

    role = role_of(user)
    model = obj if isinstance(obj, type) else type(obj)
    instance = None if isinstance(obj, type) else obj

    if action == Action.VIEW:
        return role != Role.ANONYMOUS or settings.PUBLIC_READ
    if role in (Role.ANONYMOUS, Role.ANALYST):
        return False
    if model is StatusEvent and action in (Action.CHANGE, Action.DELETE):
        return False
    if role == Role.ADMINISTRATOR:
        return True
    # Officials from here on.
    if action == Action.CORRECT:
        return False
    if model is Source:
        if action == Action.CREATE:
            return True
        return instance is not None and _source_is_theirs(user, instance)
    if model is Agreement and action == Action.DELETE:
        return False
    if model in (Agreement, Participation, NegotiationRound, Milestone, StatusEvent):
        if instance is None:
            return action == Action.CREATE  # the parties are checked when the object is saved
        return bool(party_codes_of(user) & agreement_party_codes(instance))
    return False  # states, groupings, agreement types: administrators only


def require(user: object, action: Action, obj: models.Model | type[models.Model]) -> None:
    """Raise PermissionDenied with a plain explanation unless `can()` allows it."""
    if can(user, action, obj):
        return
    role = role_of(user)
    if role == Role.ANONYMOUS and action == Action.VIEW:
        raise PermissionDenied(_("Sign in to read the record."))
    if role == Role.OFFICIAL and action != Action.CORRECT:
        raise PermissionDenied(
            _("You act for %(states)s, which is not a party to this agreement.")
            % {"states": ", ".join(sorted(party_codes_of(user)))}
        )
    raise PermissionDenied(_("Your account may not %(action)s this record.") % {"action": action.label})


def require_party_among(user: object, party_codes: Iterable[str]) -> None:
    """An official creating an agreement must include one of their own states."""
    if role_of(user) == Role.OFFICIAL and not party_codes_of(user) & set(party_codes):
        raise PermissionDenied(_("An agreement you create must include one of the states you act for."))


def readable_page(model: type[models.Model]) -> Callable[[Callable], Callable]:
    """Dashboard pages of `model` send a reader who may not view it (PUBLIC_READ false) to the sign-in page."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: object, *args: object, **kwargs: object) -> object:
            if not can(request.user, Action.VIEW, model):
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
