from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

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
    list_display = ["user", "agreement", "state", "everything", "email", "status_changes", "overdue"]
    list_filter = ["everything", "email", "status_changes"]
    search_fields = ["user__username", "agreement__title", "state__short_name"]
    autocomplete_fields = ["user", "agreement", "state"]
    filter_horizontal = ["webhooks"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Watch]:
        return super().get_queryset(request).select_related("user", "agreement", "state")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "user", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "user__username"]
    readonly_fields = ["created_at", "updated_at"]
    exclude = ["secret"]
