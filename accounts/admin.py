from django.contrib import admin, messages
from django.contrib.admin.sites import AdminSite
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ApiToken, Profile, TokenScope
from .services import token_create, token_revoke, token_update


def _administrators_only(self: AdminSite, request: HttpRequest) -> bool:
    """The admin site is the administrators' tool; officials record progress in the dashboard and the API,
    where accounts.policy scopes them to their states."""
    return request.user.is_active and request.user.is_superuser


# Patched on the class, so that Django's own admin.site asks it; a subclass would need the admin app's default_site
# and the URLconf changed. mypy refuses every assignment to a method, hence the ignore.
AdminSite.has_permission = _administrators_only  # type: ignore[method-assign]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "acts_for"]
    search_fields = ["user__username", "user__email", "states__alpha3", "states__short_name"]
    list_filter = ["states"]
    autocomplete_fields = ["user", "states"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Profile]:
        return super().get_queryset(request).select_related("user").prefetch_related("states")

    @admin.display(description="acts for")
    def acts_for(self, profile: Profile) -> str:
        return ", ".join(state.alpha3 for state in profile.states.all()) or "—"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("user", "name", "scope", "expires_at")
        return ("user", "name", "scope", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        return self.readonly_fields + (["user", "scope"] if obj else [])

    def save_model(self, request: HttpRequest, obj: ApiToken, form: object, change: bool) -> None:
        if change:
            token_update(token=ApiToken.objects.get(pk=obj.pk), name=obj.name, expires_at=obj.expires_at)
            return
        token, key = token_create(user=obj.user, scope=TokenScope(obj.scope), name=obj.name)
        if obj.expires_at:
            token = token_update(token=token, name=token.name, expires_at=obj.expires_at)
        obj.pk = token.pk
        messages.warning(request, f"The token's key, shown this once: {key}")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        unrevoked = list(queryset.filter(revoked_at__isnull=True))
        for token in unrevoked:
            token_revoke(token=token)
        count = len(unrevoked)
        messages.success(request, f"Revoked {count} token(s).")
