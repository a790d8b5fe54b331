from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Grouping, State

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _MemberTotal(TypedDict):
    member_total: int


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[WithAnnotations[Grouping, _MemberTotal]]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, grouping: WithAnnotations[Grouping, _MemberTotal]) -> int:
        return grouping.member_total
