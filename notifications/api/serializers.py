from typing import Any

from rest_framework import serializers

from negotiations.api.serializers import AgreementSlugField, StateCodeField
from notifications.choices import Kind, StatusChangeDelivery
from notifications.models import DeliveryAttempt, Notification, Watch, WebhookEndpoint
from raa_tracker.api.serializers import CachedHyperlinkedIdentityField, StrictTypesMixin


class WatchSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """One of your watches: give exactly one of `agreement` (slug), `state` (alpha-3) or `everything: true`."""

    api_url = CachedHyperlinkedIdentityField(view_name="api:watch-detail")
    agreement = AgreementSlugField(required=False, allow_null=True)
    state = StateCodeField(required=False, allow_null=True)
    everything = serializers.BooleanField(required=False, default=False)
    webhooks = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=WebhookEndpoint.objects.none())
    lead_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=90), required=False, max_length=10
    )
    status_changes = serializers.ChoiceField(choices=StatusChangeDelivery.choices, required=False)

    class Meta:
        model = Watch
        fields = [
            "api_url",
            "id",
            "agreement",
            "state",
            "everything",
            "email",
            "webhooks",
            "lead_days",
            "overdue",
            "status_changes",
            "stale_notices",
            "candidates",
            "created_at",
            "updated_at",
        ]
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # ModelSerializer's arguments, passed on
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            webhooks = self.fields["webhooks"]
            assert isinstance(webhooks, serializers.ManyRelatedField)  # many=True makes the field above one
            own = WebhookEndpoint.objects.filter(user=request.user)
            # A stub bug (typeddjango/django-stubs#3666) checks assigning to this `QuerySet | Manager` attribute as
            # a read of the Manager descriptor; the assignment is well typed.
            webhooks.child_relation.queryset = own  # type: ignore[arg-type]

    def validate(self, data: dict) -> dict:
        targets = [bool(data.get("agreement")), bool(data.get("state")), bool(data.get("everything"))]
        if sum(targets) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give exactly one of agreement, state or everything: true."]}
            )
        return data


class WebhookEndpointSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A receiver of signed notices. `url` is the receiver's address; `api_url` is this record."""

    api_url = CachedHyperlinkedIdentityField(view_name="api:webhook-detail")
    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="whsec_<base64>; generated when absent."
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices), required=False)

    class Meta:
        model = WebhookEndpoint
        fields = ["api_url", "id", "url", "secret", "events", "active", "created_at", "updated_at"]
        read_only_fields = ["active"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The response to registering an endpoint: the only time its signing secret is shown."""

    signing_secret = serializers.CharField(source="secret", read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "signing_secret"]


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["started_at", "duration_ms", "ok", "http_status", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(read_only=True)
    attempts_log = DeliveryAttemptSerializer(source="delivery_attempts", many=True, read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "webhook_id",
            "kind",
            "state",
            "attempts",
            "sent_at",
            "last_error",
            "created_at",
            "attempts_log",
        ]
