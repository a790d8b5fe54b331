from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Grouping, State


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["short_name", "alpha2", "alpha3", "name"]
    search_fields = ["short_name", "name", "alpha2", "alpha3"]
    list_filter = ["groupings"]


@admin.register(Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "member_count"]
    search_fields = ["name", "code", "members__short_name", "members__alpha3"]
    filter_horizontal = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Grouping]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, grouping: Grouping) -> int:
        return grouping.member_total
