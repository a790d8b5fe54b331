from django.db.models import Prefetch, QuerySet
from rest_framework import viewsets

from parties.filtersets import GroupingFilterSet, StateFilterSet
from parties.models import Grouping, State
from raa_tracker.api.concurrency import ConcurrencyMixin
from raa_tracker.api.export import CSVExportMixin
from raa_tracker.api.lookups import CodeLookupMixin

from .serializers import GroupingSerializer, StateSerializer


class StateViewSet(CodeLookupMixin, CSVExportMixin, ConcurrencyMixin, viewsets.ReadOnlyModelViewSet):
    """Every ISO 3166-1 state, looked up by its alpha-3 code in any case (/states/jpn/ is Japan)."""

    queryset = State.objects.order_by("short_name")
    serializer_class = StateSerializer
    filterset_class = StateFilterSet
    lookup_field = "alpha3"
    lookup_value_regex = "[A-Za-z]{3}"


class GroupingViewSet(CodeLookupMixin, CSVExportMixin, ConcurrencyMixin, viewsets.ReadOnlyModelViewSet):
    """Groupings of states (G7, EU, NATO, Quad, …) with their members."""

    serializer_class = GroupingSerializer
    filterset_class = GroupingFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"

    def get_queryset(self) -> QuerySet[Grouping]:
        return Grouping.objects.prefetch_related(Prefetch("members", State.objects.order_by("alpha3"))).order_by("name")

    lookup_normalize = staticmethod(str.lower)
