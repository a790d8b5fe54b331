from rest_framework import serializers

from parties.models import Grouping, State
from raa_tracker.api.serializers import CachedHyperlinkedIdentityField


class StateSerializer(serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:state-detail", lookup_field="alpha3")

    class Meta:
        model = State
        fields = ["url", "alpha2", "alpha3", "name", "short_name", "created_at", "updated_at"]


class GroupingSerializer(serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:grouping-detail", lookup_field="code")
    members = serializers.SlugRelatedField[State](slug_field="alpha3", many=True, read_only=True)

    class Meta:
        model = Grouping
        fields = ["url", "code", "name", "members", "created_at", "updated_at"]
