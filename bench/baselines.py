"""Side-by-side baselines for the agreement list, mounted under /bench/ only when BENCH_BASELINES is true.

- typical: what a plain Django REST framework implementation does — a ModelViewSet with nested
  ModelSerializers and no prefetching — producing the same payload as /api/v1/agreements/;
- floor: a DRF endpoint that returns a constant (the framework's own cost per request).
The limit (one hand-written SQL query, orjson, bare WSGI) is bench/limit.py, served by its own gunicorn.
"""

from django.db.models import QuerySet
from django.urls import path
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from negotiations.api.serializers import AgreementSerializer, ParticipationSerializer
from negotiations.models import Agreement, AgreementType, Participation
from parties.models import State


class _ParticipationSerializer(serializers.ModelSerializer):
    state = serializers.SlugRelatedField[State](slug_field="alpha3", read_only=True)

    class Meta:
        model = Participation
        fields = ParticipationSerializer.Meta.fields  # the same payload as the API's


class _TypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementType
        fields = ["code"]


class TypicalAgreementSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agreement-detail", lookup_field="slug")
    type = serializers.SlugRelatedField[AgreementType](slug_field="code", read_only=True)
    participations = _ParticipationSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = AgreementSerializer.Meta.fields  # the same payload as the API's

    def get_links(self, agreement: Agreement) -> dict[str, str]:
        """Every link reversed for every row, as a plain implementation does."""
        request, slug = self.context["request"], agreement.slug
        listing = {name: f"{reverse(f'api:{name}-list', request=request)}?agreement={slug}" for name in _LISTS}
        return {
            "transition": reverse("api:agreement-transition", kwargs={"slug": slug}, request=request),
            "events": listing["statusevent"],
            "rounds": listing["negotiationround"],
            "milestones": listing["milestone"],
            "calendar": reverse("calendar-agreement", kwargs={"slug": slug}, request=request),
            "feed": reverse("feed-agreement", kwargs={"slug": slug}, request=request),
        }


_LISTS = ("statusevent", "negotiationround", "milestone")


class _Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TypicalAgreementViewSet(viewsets.ReadOnlyModelViewSet[Agreement]):
    queryset = Agreement.objects.all().order_by("title", "id")
    serializer_class = TypicalAgreementSerializer
    pagination_class = _Pages
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Agreement]:
        queryset = super().get_queryset()
        party = self.request.query_params.get("party")
        status = self.request.query_params.get("status")
        if party:
            queryset = queryset.filter(participations__state__alpha3=party)
        if status:
            queryset = queryset.filter(status=status)
        return queryset


@api_view(["GET"])
@permission_classes([AllowAny])
def floor(request: Request) -> Response:
    return Response({"ok": True})


floor.cls.authentication_classes = []
floor.cls.throttle_classes = []

urlpatterns = [
    path("typical/agreements/", TypicalAgreementViewSet.as_view({"get": "list"})),
    path("floor/", floor),
]
