from django.contrib import admin
from django.http import HttpRequest

from .models import Article, Candidate, Feed


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """Feeds are the administrators' to register; how each poll went is shown, not edited."""

    list_display = ["publisher", "url", "language", "interval_minutes", "active", "failures", "last_error_at"]
    list_filter = ["active", "language"]
    search_fields = ["publisher", "url"]
    readonly_fields = [
        "etag", "last_modified", "next_poll_at", "claimed_until", "last_polled_at", "last_status", "failures",
        "last_error", "last_error_at",
    ]  # fmt: skip


class _ReadOnly(admin.ModelAdmin):
    """Articles and candidates are written by the intake and reviewed on the dashboard, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(_ReadOnly):
    list_display = ["title", "publisher", "published_on", "language", "origin", "fetch_state"]
    list_filter = ["origin", "fetch_state", "language"]
    search_fields = ["title", "url", "publisher"]


@admin.register(Candidate)
class CandidateAdmin(_ReadOnly):
    list_display = ["article", "kind", "status", "step", "effective_on", "relation", "review"]
    list_filter = ["kind", "relation", "review"]
    list_select_related = ["article"]
