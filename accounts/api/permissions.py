"""Who may call the API: the policy for the record, and own-records-only for a user's tokens, watches and
webhooks. Both refuse writes with a read-only token."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Model
from rest_framework import permissions
from rest_framework.request import Request

from accounts import policy
from accounts.models import ApiToken, TokenScope
from accounts.policy import Action
from raa_tracker.api.permissions import PublicReadPermission

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings
    from rest_framework.views import APIView

METHOD_ACTIONS = {"PUT": Action.CHANGE, "PATCH": Action.CHANGE, "DELETE": Action.DELETE}


def token_scope_allows(request: Request) -> bool:
    """A read-only token never writes, whoever owns it."""
    token = request.auth
    return not isinstance(token, ApiToken) or token.scope == TokenScope.WRITE


class OwnRecordsOnly(permissions.BasePermission):
    """Each signed-in user manages their own records (tokens, watches, webhooks; the view's queryset holds
    only theirs); a read-only token cannot change them."""

    message = "This token is read-only; it cannot change your tokens, watches or webhooks."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or token_scope_allows(request)


class PolicyPermission(PublicReadPermission):
    """Asks accounts.policy for lists and objects alike; the views add no rules of their own."""

    message = "Your account may not do this."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        model = view.get_queryset().model if hasattr(view, "get_queryset") else None
        if request.method in permissions.SAFE_METHODS:
            return model is None or policy.can(request.user, Action.VIEW, model)
        if not request.user.is_authenticated:
            return False
        if not token_scope_allows(request):
            self.message = "This token is read-only; create a token with write scope to change records."
            return False
        creating = request.method == "POST" and getattr(view, "action", None) == "create"
        if creating:
            assert model is not None  # "create" is the action of CreateModelMixin, on a view with a queryset
            if not policy.can(request.user, Action.CREATE, model):
                self.message = "Your account may not create this kind of record."
                return False
        return True

    def has_object_permission(self, request: Request, view: "APIView", obj: Model) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return policy.can(request.user, Action.VIEW, obj)
        view_action = getattr(view, "action", None)  # viewsets name their actions; other views have none
        action = getattr(view, "object_actions", {}).get(view_action) or METHOD_ACTIONS.get(request.method or "")
        reason = None if action is None else policy.refusal(request.user, action, obj)
        if reason is None:
            return True
        self.message = reason
        return False


class ReportPermission(permissions.BasePermission):
    """Error reports: any signed-in user files one (anonymous visitors too where ANONYMOUS_REPORTS allows);
    reading is for the signed-in (the view's queryset holds only the reports each may see); resolving is
    the policy's, asked by the services; a read-only token never writes."""

    message = "Sign in to report an error, or to read reports."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        creating = request.method == "POST" and getattr(view, "action", None) == "create"
        if not request.user.is_authenticated:
            return creating and settings.ANONYMOUS_REPORTS and settings.PUBLIC_READ
        if request.method in permissions.SAFE_METHODS:
            return True
        if not token_scope_allows(request):
            self.message = "This token is read-only; create a token with write scope to report or resolve."
            return False
        return True
