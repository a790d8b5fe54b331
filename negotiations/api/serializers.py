"""Shapes of the negotiation resources. No business rule lives here: writes go through negotiations.services."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import HttpRequest
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from negotiations.choices import CitationRole, DatePrecision, Status
from negotiations.models import (
    Agreement,
    AgreementType,
    Change,
    Citation,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from parties.models import State
from raa_tracker.api.serializers import CachedHyperlinkedIdentityField, StrictTypesMixin, fill_url, list_url

if TYPE_CHECKING:
    from negotiations.selectors import AgreementAsOf

# A declared field named `source` clashes, for the type checker only, with Field.source (the attribute a field
# reads): the serializer's metaclass moves declared fields into `_declared_fields`, so the two never meet.


class CodeRelatedField(serializers.SlugRelatedField):
    """A related row by its code, in any case (JPN, jpn; RAA, raa)."""

    def to_internal_value(self, data: object) -> object:
        if isinstance(data, str):
            data = data.strip().upper()
        return super().to_internal_value(data)


class StateCodeField(CodeRelatedField):
    """A state by its alpha-3 code."""

    def __init__(self, **kwargs: Any) -> None:  # SlugRelatedField's arguments, passed on
        kwargs.setdefault("queryset", State.objects.all())
        super().__init__(slug_field="alpha3", **kwargs)


class AgreementSlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:  # SlugRelatedField's arguments, passed on
        kwargs.setdefault("queryset", Agreement.objects.all())
        super().__init__(slug_field="slug", **kwargs)


class SourceSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """Published evidence. `url` is the publication's address; `api_url` is this record in the API."""

    api_url = CachedHyperlinkedIdentityField(view_name="api:source-detail")

    class Meta:
        model = Source
        fields = [
            "api_url", "id", "title", "publisher", "url", "published_on", "published_precision", "language",
            "created_at", "updated_at",
        ]  # fmt: skip
        # uniqueness: the model's constraint, checked by the service
        extra_kwargs: dict[str, dict[str, Any]] = {"url": {"validators": []}}


class SourceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "url", "published_on", "published_precision", "language"]


class CitationBriefSerializer(serializers.ModelSerializer):
    """A further source of a fact, as the fact shows it: what it says of the fact, and the sentence."""

    source = SourceBriefSerializer(read_only=True)  # type: ignore[assignment]  # a declared field: see the top

    class Meta:
        model = Citation
        fields = ["id", "role", "source", "quote", "created_at"]


class EvidenceMixin(serializers.Serializer):
    """What a fact rests on besides its own `source`: further citations, whether one contradicts it, and why
    there is no public source when none is cited. Lists prefetch `citations` (one query a page)."""

    citations = CitationBriefSerializer(many=True, read_only=True)
    contradicted = serializers.SerializerMethodField(help_text="True when a cited source reports something else.")

    def get_contradicted(self, fact: Any) -> bool:
        return any(citation.role == CitationRole.CONTRADICTS for citation in fact.citations.all())


class AgreementTypeSerializer(serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:agreementtype-detail", lookup_field="code")

    class Meta:
        model = AgreementType
        fields = ["url", "code", "name", "description", "family", "created_at", "updated_at"]


class ParticipationSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """One party's own steps; written through the agreement (`participations` replaces the list of parties)."""

    state = StateCodeField()
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a declared field: see the top
        queryset=Source.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Participation
        fields = [
            "state",
            "signed_on",
            "approval_status",
            "approval_body",
            "approval_submitted_on",
            "approval_decided_on",
            "approval_decided_precision",
            "entry_into_force_on",
            "note",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []  # the agreement is not part of the input; the service checks uniqueness

    def current_instance(self, data: Mapping) -> Participation | None:
        """The stored party of the agreement being changed with the same state (read-only fields may repeat it)."""
        agreement = getattr(getattr(self.parent, "parent", None), "instance", None)
        state = data.get("state")
        if not isinstance(agreement, Agreement) or not isinstance(state, str):
            return None
        return next((p for p in agreement.participations.all() if p.state.alpha3 == state.strip().upper()), None)


def agreement_links(request: HttpRequest, slug: str) -> dict[str, str]:
    """Where to go from an agreement; URLs are reversed once per request (lists build thousands)."""
    return {
        "transition": fill_url(request, "api:agreement-transition", "slug", slug),
        "events": f"{list_url(request, 'api:statusevent-list')}?agreement={slug}",
        "rounds": f"{list_url(request, 'api:negotiationround-list')}?agreement={slug}",
        "milestones": f"{list_url(request, 'api:milestone-list')}?agreement={slug}",
        "calendar": fill_url(request, "calendar-agreement", "slug", slug),
        "feed": fill_url(request, "feed-agreement", "slug", slug),
    }


class AgreementSerializer(StrictTypesMixin, serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:agreement-detail", lookup_field="slug")
    type = CodeRelatedField(slug_field="code", queryset=AgreementType.objects.all())
    participations = ParticipationSerializer(many=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "url",
            "slug",
            "title",
            "type",
            "summary",
            "status",
            "status_since",
            "entry_into_force_scheduled_on",
            "target_conclusion_on",
            "checked_on",
            "participations",
            "links",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "status_since", "checked_on", "created_at", "updated_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {"slug": {"validators": []}}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                name: {"type": "string", "format": "uri"}
                for name in ("transition", "events", "rounds", "milestones", "calendar", "feed")
            },
        }
    )
    def get_links(self, agreement: Agreement) -> dict[str, str]:
        return agreement_links(self.context["request"], agreement.slug)  # a hyperlinked serializer needs it

    def to_representation(self, agreement: Agreement) -> dict[str, Any]:
        """With `?as_of=`, the status the agreement had on that day (selectors.as_of)."""
        data = super().to_representation(agreement)
        if getattr(agreement, "as_of_status", None):
            then = cast("AgreementAsOf", agreement)  # read through selectors.as_of(), which the FilterSet applied
            data["status"], data["status_since"] = then.as_of_status, then.as_of_since.isoformat()
        return data


class EventSerializer(EvidenceMixin, serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:statusevent-detail")
    agreement: serializers.SlugRelatedField[Agreement] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = SourceBriefSerializer(  # type: ignore[assignment]  # a declared field: see the top
        read_only=True, allow_null=True
    )
    recorded_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty when the application recorded it."
    )
    corrects: serializers.PrimaryKeyRelatedField[StatusEvent] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    corrected_by = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField(help_text="False once a correction has replaced this entry.")
    created_at = serializers.DateTimeField(source="recorded_at", read_only=True)
    updated_at = serializers.DateTimeField(source="recorded_at", read_only=True)

    class Meta:
        model = StatusEvent
        fields = [
            "url",
            "id",
            "agreement",
            "status",
            "effective_on",
            "date_precision",
            "place",
            "note",
            "source",
            "no_source_reason",
            "citations",
            "contradicted",
            "recorded_by",
            "recorded_at",
            "corrects",
            "correction_reason",
            "corrected_by",
            "counts",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_corrected_by(self, event: StatusEvent) -> int | None:
        correction = getattr(event, "correction", None)
        return correction.pk if correction else None

    def get_counts(self, event: StatusEvent) -> bool:
        return getattr(event, "correction", None) is None


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1},
            {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "maxLength": 300},
                    "publisher": {"type": "string", "maxLength": 200},
                    "url": {"type": "string", "format": "uri", "maxLength": 500},
                    "published_on": {"type": "string", "format": "date", "nullable": True},
                    "language": {"type": "string", "maxLength": 16},
                },
                "required": ["title", "publisher"],
            },
        ]
    }
)
class SourceReferenceField(serializers.Field):
    """Either the id of a stored source or a new source as an object (title, publisher, url, published_on,
    language); a new source whose url is already stored reuses that record."""

    default_error_messages = {
        "invalid": "Give the id of a source or an object with title, publisher, url, published_on and language.",
        "does_not_exist": "No source with id {pk}.",
    }

    def to_internal_value(self, data: object) -> Source | dict:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            source = Source.objects.filter(pk=data).first() if 0 < data < 2**63 else None
            if source is None:
                self.fail("does_not_exist", pk=data)
            return source
        if isinstance(data, dict):
            serializer = SourceSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            return dict(serializer.validated_data)
        self.fail("invalid")

    def to_representation(self, value: Source) -> int:
        return value.pk


class TransitionSerializer(StrictTypesMixin, serializers.Serializer):
    """A status change. Administrators may correct an earlier entry with `corrects` and `correction_reason`."""

    status = serializers.ChoiceField(choices=[("", "retraction (corrections only)"), *Status.choices])
    effective_on = serializers.DateField()
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, default=DatePrecision.DAY)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    source = SourceReferenceField(  # type: ignore[assignment]  # a declared field: see the top
        required=False, allow_null=True, default=None
    )
    no_source_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Without a source: why there is no public one (required of people recording a change).",
    )
    corrects = serializers.PrimaryKeyRelatedField(queryset=StatusEvent.objects.all(), required=False, allow_null=True)
    correction_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class RoundSerializer(EvidenceMixin, StrictTypesMixin, serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:negotiationround-detail")
    agreement = AgreementSlugField()
    host = StateCodeField(allow_null=True, required=False)
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a declared field: see the top
        queryset=Source.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = NegotiationRound
        fields = [
            "url",
            "id",
            "agreement",
            "number",
            "starts_on",
            "starts_precision",
            "ends_on",
            "place",
            "host",
            "summary",
            "source",
            "no_source_reason",
            "citations",
            "contradicted",
            "created_at",
            "updated_at",
        ]
        validators: list = []  # uniqueness is checked with the model's rules, in the service


class MilestoneSerializer(EvidenceMixin, StrictTypesMixin, serializers.HyperlinkedModelSerializer):
    url = CachedHyperlinkedIdentityField(view_name="api:milestone-detail")
    agreement = AgreementSlugField()
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), allow_null=True, required=False
    )
    responsible_party = StateCodeField(allow_null=True, required=False)
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a declared field: see the top
        queryset=Source.objects.all(), allow_null=True, required=False
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "url",
            "id",
            "agreement",
            "kind",
            "title",
            "due_on",
            "due_precision",
            "completed_on",
            "status",
            "overdue",
            "owner",
            "responsible_party",
            "note",
            "source",
            "no_source_reason",
            "citations",
            "contradicted",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, milestone: Milestone) -> bool:
        return milestone.is_overdue()


class ChangeActorSerializer(serializers.Serializer):
    """Who made a change: a user (with the API token's name when it came through one), or the application."""

    user = serializers.CharField(source="user_name", allow_blank=True, help_text="User name; empty: the application")
    token = serializers.CharField(source="token_name", allow_blank=True, help_text="The API token's name, if any")
    system = serializers.CharField(allow_blank=True, help_text="The task or command, when no user made the change")
    label = serializers.CharField(  # type: ignore[assignment]  # a declared field, as `source` is: see the top
        source="actor_label", help_text="Who, in words"
    )


class ChangeSerializer(serializers.ModelSerializer):
    """One write to the record: what changed (only the fields that did, before and after), who, how, on what
    evidence. `agreement` is null for a source, or once the agreement itself was deleted (`agreement_id`
    stays)."""

    agreement: serializers.SlugRelatedField[Agreement] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    actor = ChangeActorSerializer(source="*", read_only=True)
    object = serializers.CharField(source="object_repr", read_only=True)
    source = SourceBriefSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]  # see the top

    class Meta:
        model = Change
        fields = [
            "id", "at", "action", "object_type", "object_id", "object", "agreement", "agreement_id", "actor",
            "channel", "request_id", "before", "after", "source", "source_id", "message",
        ]  # fmt: skip
        read_only_fields = fields


class CitationSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A further source for one fact: name the fact by exactly one of `event`, `round`, `milestone` or
    `participation` (ids), the source by id or as a new source, what it says (`states` or `contradicts`) and
    optionally the sentence it rests on, in the source's language."""

    url = CachedHyperlinkedIdentityField(view_name="api:citation-detail")
    agreement: serializers.SlugRelatedField[Agreement] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event = serializers.PrimaryKeyRelatedField(queryset=StatusEvent.objects.all(), required=False, allow_null=True)
    round = serializers.PrimaryKeyRelatedField(queryset=NegotiationRound.objects.all(), required=False, allow_null=True)
    milestone = serializers.PrimaryKeyRelatedField(queryset=Milestone.objects.all(), required=False, allow_null=True)
    participation = serializers.PrimaryKeyRelatedField(
        queryset=Participation.objects.all(), required=False, allow_null=True
    )
    source = SourceReferenceField()  # type: ignore[assignment]  # a declared field: see the top

    class Meta:
        model = Citation
        fields = [
            "url", "id", "agreement", "event", "round", "milestone", "participation", "source", "role", "quote",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_at"]
        validators: list = []  # one source once per fact: the model's constraint, checked by the service

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        named = [name for name in Citation.FACTS if data.get(name) is not None]
        if len(named) != 1:
            message = "Name exactly one fact: event, round, milestone or participation."
            raise serializers.ValidationError({name: [message] for name in (named or ["event"])})
        data["fact"] = data.pop(named[0])
        for name in Citation.FACTS:
            data.pop(name, None)
        return data


class ConfirmCurrentSerializer(StrictTypesMixin, serializers.Serializer):
    """An official's confirmation that the record is still accurate today, citing the latest source."""

    source = SourceReferenceField()  # type: ignore[assignment]  # a declared field: see the top
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class StaleAgreementSerializer(serializers.ModelSerializer):
    """An agreement under way with no change of status and no check for more than STALE_AFTER_DAYS."""

    url = CachedHyperlinkedIdentityField(view_name="api:agreement-detail", lookup_field="slug")
    type: serializers.SlugRelatedField[AgreementType] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    last_activity_on = serializers.DateField(read_only=True, help_text="The later of status_since and checked_on.")

    class Meta:
        model = Agreement
        fields = ["url", "slug", "title", "type", "status", "status_since", "checked_on", "last_activity_on"]


class ErrorReportSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A report that a fact is wrong: name the agreement, optionally the fact (one of `event`, `round`,
    `milestone`, `participation`), say what is wrong and, if you can, give a source. Seen by the officials
    of the agreement's parties, administrators and the reporter."""

    url = CachedHyperlinkedIdentityField(view_name="api:report-detail")
    agreement = AgreementSlugField()
    event = serializers.PrimaryKeyRelatedField(queryset=StatusEvent.objects.all(), required=False, allow_null=True)
    round = serializers.PrimaryKeyRelatedField(queryset=NegotiationRound.objects.all(), required=False, allow_null=True)
    milestone = serializers.PrimaryKeyRelatedField(queryset=Milestone.objects.all(), required=False, allow_null=True)
    participation = serializers.PrimaryKeyRelatedField(
        queryset=Participation.objects.all(), required=False, allow_null=True
    )
    reporter: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for an anonymous report."
    )
    resolved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ErrorReport
        fields = [
            "url", "id", "agreement", "event", "round", "milestone", "participation", "note", "source_url",
            "reporter", "status", "resolution", "resolved_by", "resolved_at", "correction", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "resolution", "resolved_at", "correction", "created_at"]

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        named = [name for name in ErrorReport.FACTS if data.get(name) is not None]
        if len(named) > 1:
            raise serializers.ValidationError({name: ["Name one fact at most."] for name in named})
        data["fact"] = data.pop(named[0]) if named else None
        for name in ErrorReport.FACTS:
            data.pop(name, None)
        return data


class ReportDismissalSerializer(StrictTypesMixin, serializers.Serializer):
    """Why the record stands as it is (the reporter is told)."""

    reason = serializers.CharField(max_length=4000)


class ReportResolutionSerializer(StrictTypesMixin, serializers.Serializer):
    """What was put right (for a round, milestone or party's steps, edited through its own endpoint first)."""

    resolution = serializers.CharField(max_length=4000)


class ReportCorrectionSerializer(TransitionSerializer):
    """A correction of the reported status change: the entry that replaces it (an empty status retracts it),
    and what was corrected (the reporter is told; the correction's reason cites the report)."""

    corrects = None  # type: ignore[assignment]  # the report names the entry
    correction_reason = None  # type: ignore[assignment]  # made from the report and `resolution`
    resolution = serializers.CharField(max_length=4000)
