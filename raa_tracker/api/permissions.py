from django.db.models import Model
from rest_framework import permissions
from rest_framework.request import Request

from accounts import policy
from accounts.models import ApiToken, TokenScope
from accounts.policy import Action

METHOD_ACTIONS = {"PUT": Action.CHANGE, "PATCH": Action.CHANGE, "DELETE": Action.DELETE}


def token_scope_allows(request: Request) -> bool:
    """A read-only token never writes, whoever owns it."""
    token = request.auth
    return not isinstance(token, ApiToken) or token.scope == TokenScope.WRITE


class PolicyPermission(permissions.BasePermission):
    """Asks accounts.policy for lists and objects alike; the views add no rules of their own."""

    message = "Your account may not do this."

    def has_permission(self, request: Request, view: object) -> bool:
        model = view.get_queryset().model if hasattr(view, "get_queryset") else None
        if request.method in permissions.SAFE_METHODS:
            return model is None or policy.can(request.user, Action.VIEW, model)
        if not request.user.is_authenticated:
            return False
        if not token_scope_allows(request):
            self.message = "This token is read-only; create a token with write scope to change records."
            return False
        creating = request.method == "POST" and getattr(view, "action", None) == "create"
        if creating and not policy.can(request.user, Action.CREATE, model):
            self.message = "Your account may not create this kind of record."
            return False
        return True

    def has_object_permission(self, request: Request, view: object, obj: Model) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return policy.can(request.user, Action.VIEW, obj)
        action = getattr(view, "object_actions", {}).get(view.action) or METHOD_ACTIONS.get(request.method)
        if action is None or policy.can(request.user, action, obj):
            return True
        try:
            policy.require(request.user, action, obj)
        except Exception as refusal:  # noqa: BLE001 - only its message is wanted
            self.message = str(refusal)
        return False
