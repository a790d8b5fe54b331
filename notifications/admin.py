from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import DeliveryAttempt, Notification, Watch, WebhookEndpoint


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "duration_ms", "ok", "http_status", "error"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox and its delivery log (read-only: notices are written by the application)."""

    list_display = ["key", "user", "kind", "channel", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind", "channel", "digest"]
    search_fields = ["key", "user__username", "last_error"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryAttemptInline]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["user", "agreement", "state", "everything", "email", "status_changes", "overdue", "candidates"]
    list_filter = ["everything", "email", "status_changes"]
    search_fields = ["user__username", "agreement__title", "state__short_name"]
    autocomplete_fields = ["user", "agreement", "state"]
    filter_horizontal = ["webhooks"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Watch]:
        return super().get_queryset(request).select_related("user", "agreement", "state")

    # A watch is its user's own setting, changed by them (dashboard, API) through services.watch_set, whose
    # rules (lead times, their own webhooks) the admin's form would skip: here it is read and removed only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Watch | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Watch) -> None:
        services.watch_delete(user=obj.user, watch=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Watch]) -> None:
        for watch in queryset.select_related("user"):
            services.watch_delete(user=watch.user, watch=watch)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "user", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "user__username"]
    readonly_fields = ["created_at", "updated_at"]
    exclude = ["secret"]

    # Registered by their users through services.webhook_create, which checks the address (no private or
    # loopback targets) and the secret: here an endpoint is read and removed only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        services.webhook_delete(user=obj.user, endpoint=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset.select_related("user"):
            services.webhook_delete(user=endpoint.user, endpoint=endpoint)
