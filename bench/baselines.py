"""Side-by-side baselines for the agreement list, mounted under /bench/ only when BENCH_BASELINES is true.

- typical: what a plain Django REST framework implementation does — a ModelViewSet with nested
  ModelSerializers and no prefetching — producing the same payload as /api/v1/agreements/;
- floor: a DRF endpoint that returns a constant (the framework's own cost per request).
The limit (one hand-written SQL query, orjson, bare WSGI) is bench/limit.py, served by its own gunicorn.
"""

from django.urls import path
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from negotiations.api.serializers import AgreementSerializer, ParticipationSerializer
from negotiations.models import Agreement, AgreementType, Participation


class _ParticipationSerializer(serializers.ModelSerializer):
    state = serializers.SlugRelatedField(slug_field="alpha3", read_only=True)

    class Meta:
        model = Participation
        fields = ParticipationSerializer.Meta.fields  # the same payload as the API's


class _TypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementType
        fields = ["code"]


class TypicalAgreementSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    participations = _ParticipationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        # The API's payload without its hyperlinks, which the limit leaves out too.
        fields = [name for name in AgreementSerializer.Meta.fields if name not in ("url", "links")]


class _Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TypicalAgreementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Agreement.objects.all().order_by("title", "id")
    serializer_class = TypicalAgreementSerializer
    pagination_class = _Pages
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []
    filter_backends: list = []

    def get_queryset(self) -> object:
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
