from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from .models import Grouping, State
from .services import grouping_upsert

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

    def get_readonly_fields(self, request: HttpRequest, obj: Grouping | None = None) -> list[str]:
        return ["code"] if obj is not None else []  # filters and the API name a grouping by its code

    def save_model(self, request: HttpRequest, obj: Grouping, form: ModelForm, change: bool) -> None:
        """Written in save_related, with its members, by the service the seed uses too."""

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        members = [state.alpha3 for state in form.cleaned_data["members"]]
        code = form.cleaned_data.get("code", form.instance.code)  # read-only once the grouping exists
        grouping, _outcome = grouping_upsert(code=code, name=form.cleaned_data["name"], member_codes=members)
        form.instance.pk, form.instance._state.adding = grouping.pk, False  # for the admin's message and redirect

    @admin.display(description="members", ordering="member_total")
    def member_count(self, grouping: WithAnnotations[Grouping, _MemberTotal]) -> int:
        return grouping.member_total
