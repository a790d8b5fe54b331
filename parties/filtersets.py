import django_filters
from django.db.models import Q, QuerySet

from raa_tracker.api.filters import ALPHA3, SLUG, CodeFilter, StrictFilterSet

from .models import Grouping, State


class StateFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label="Search names and codes")
    grouping = CodeFilter(
        queryset=Grouping.objects.all(),
        to_field_name="code",
        field_name="groupings__code",
        normalize=str.lower,
        pattern=SLUG,
        distinct=True,  # any of several groupings: a state in two of them is listed once
    )
    ordering = django_filters.OrderingFilter(fields=["short_name", "alpha3", "name"])

    class Meta:
        model = State
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(short_name__icontains=value)
            | Q(name__icontains=value)
            | Q(alpha3__iexact=value)
            | Q(alpha2__iexact=value)
        )


class GroupingFilterSet(StrictFilterSet):
    member = CodeFilter(
        queryset=State.objects.all(),
        to_field_name="alpha3",
        field_name="members__alpha3",
        conjoined=True,
        pattern=ALPHA3,
    )

    class Meta:
        model = Grouping
        fields: list[str] = []
