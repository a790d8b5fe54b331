"""Who may do what: the one policy that the admin, the dashboard and the API all ask.

Roles (DOMAIN.md, issue #2):
- anonymous visitors read when settings.PUBLIC_READ is true, and nothing else;
- analysts (signed-in users acting for no state) read everything;
- officials act for one or more states and may create and change agreements,
  participations, rounds, milestones, status events and sources only where
  one of their states is a party;
- administrators (superusers) may do everything, including corrections.

Status events are never changed or deleted by anyone: they are corrected.

The rules for the negotiation records live beside their models (negotiations/policy.py) and are registered
here with `rule_for`; this module is still the one entry point (`can`, `require`) that every caller asks.
"""

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parties.models import State


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


# Who asks: a signed-in user, Django's anonymous user (a request's), or None (the application itself, which the
# services never check, and callers outside a request).
Reader = User | AnonymousUser | None


def acting_user(user: User | AnonymousUser) -> User:
    """The signed-in user behind `request.user`, for services that act for a User.

    Every view and endpoint that calls this is behind login_required or an API permission that refuses anonymous
    requests, so it never refuses in practice. It exists to narrow `User | AnonymousUser` honestly: should a view
    lose its guard, the anonymous visitor gets a 403 instead of a failed query."""
    if isinstance(user, User):
        return user
    raise PermissionDenied(_("Sign in to make changes."))


def role_of(user: Reader) -> Role:
    if not isinstance(user, User) or not user.is_active:
        return Role.ANONYMOUS
    if user.is_superuser:
        return Role.ADMINISTRATOR
    if party_codes_of(user):
        return Role.OFFICIAL
    return Role.ANALYST


def party_codes_of(user: Reader) -> frozenset[str]:
    """The alpha-3 codes of the states a user acts for, cached on the user object for the request."""
    if not isinstance(user, User):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_party_codes", None)
    if cached is None:
        cached = frozenset(State.objects.filter(officials__user=user).values_list("alpha3", flat=True))
        user._party_codes = cached  # type: ignore[attr-defined]  # a per-request memo on the user object
    return cached


# A rule for the objects of one model, registered by the app that defines the model (negotiations registers
# its own in NegotiationsConfig.ready()), so this module never imports an app above it. It is asked only for
# officials and administrators acting on a model (with the object, or None when creating); reading, anonymous
# visitors and analysts are decided in can() itself.
ObjectRule = Callable[[User, Role, Action, type[models.Model], models.Model | None], bool]
_rules: dict[type[models.Model], ObjectRule] = {}


def rule_for(*model_classes: type[models.Model]) -> Callable[[ObjectRule], ObjectRule]:
    """Register the rule that decides what officials and administrators may do with these models."""

    def register(rule: ObjectRule) -> ObjectRule:
        for model in model_classes:
            _rules[model] = rule
        return rule

    return register


def can(user: Reader, action: Action, obj: models.Model | type[models.Model]) -> bool:
    """Whether `user` may take `action` on `obj` (an instance, or a model class for creating)."""
    role = role_of(user)
    model = obj if isinstance(obj, type) else type(obj)
    instance = None if isinstance(obj, type) else obj

    if action == Action.VIEW:
        return role != Role.ANONYMOUS or settings.PUBLIC_READ
    if role in (Role.ANONYMOUS, Role.ANALYST):
        return False
    rule = _rules.get(model)
    if rule is None:
        return role == Role.ADMINISTRATOR  # states, groupings, agreement types, users: administrators only
    assert isinstance(user, User)  # an official or administrator is a signed-in user
    return rule(user, role, action, model, instance)


def refusal(user: Reader, action: Action, obj: models.Model | type[models.Model]) -> str | None:
    """Why `can()` refuses, in plain words for the person refused; None when it allows."""
    if can(user, action, obj):
        return None
    role = role_of(user)
    if role == Role.ANONYMOUS and action == Action.VIEW:
        return _("Sign in to read the record.")
    if role == Role.OFFICIAL and action != Action.CORRECT:
        return _("You act for %(states)s, which is not a party to this agreement.") % {
            "states": ", ".join(sorted(party_codes_of(user)))
        }
    return _("Your account may not %(action)s this record.") % {"action": action.label}


def require(user: Reader, action: Action, obj: models.Model | type[models.Model]) -> None:
    """Raise PermissionDenied with the explanation of `refusal()` unless `can()` allows it."""
    reason = refusal(user, action, obj)
    if reason is not None:
        raise PermissionDenied(reason)


def require_party_among(user: Reader, party_codes: Iterable[str]) -> None:
    """An official creating an agreement must include one of their own states."""
    if role_of(user) == Role.OFFICIAL and not party_codes_of(user) & set(party_codes):
        raise PermissionDenied(_("An agreement you create must include one of the states you act for."))


View = Callable[..., HttpResponse]


def readable_page(model: type[models.Model]) -> Callable[[View], View]:
    """Dashboard pages of `model` send a reader who may not view it (PUBLIC_READ false) to the sign-in page."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, Action.VIEW, model):
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
