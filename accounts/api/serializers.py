import datetime

from rest_framework import serializers

from accounts.models import ApiToken, TokenScope
from raa_tracker.api.serializers import CachedHyperlinkedIdentityField, StrictTypesMixin


class ApiTokenSerializer(StrictTypesMixin, serializers.HyperlinkedModelSerializer):
    """A user's own token. The key appears only in the response that creates it."""

    url = CachedHyperlinkedIdentityField(view_name="api:token-detail")
    expires_in_days = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=3650, help_text="Expire after this many days."
    )
    scope = serializers.ChoiceField(choices=TokenScope.choices, default=TokenScope.READ)

    class Meta:
        model = ApiToken
        fields = [
            "url",
            "id",
            "name",
            "prefix",
            "scope",
            "expires_in_days",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["prefix", "expires_at", "last_used_at", "revoked_at", "created_at", "updated_at"]

    def expires_in(self) -> datetime.timedelta | None:
        days = self.validated_data.get("expires_in_days")
        return datetime.timedelta(days=days) if days else None


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """The response to creating a token: the only time its key is shown."""

    key = serializers.SerializerMethodField(help_text="Shown once; store it now. Only its digest is kept.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]

    def get_key(self, token: ApiToken) -> str:
        """The key is never stored: the view that has just created the token passes it in the context."""
        return self.context["key"]
