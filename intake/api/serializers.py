"""Shapes of the intake's resources, with the names external tools code against (issue #17). No rule lives
here: writes go through intake.services."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from negotiations.api.serializers import CodeRelatedField, StateCodeField
from negotiations.choices import DatePrecision, MilestoneKind, Status
from negotiations.models import AgreementType
from parties.models import State
from raa_tracker.api.serializers import StrictTypesMixin

from ..choices import PartyStep
from ..extraction.languages import LANGUAGES
from ..models import Article, Candidate, Feed


class MatchSerializer(serializers.Serializer):
    """The record's fact a candidate corroborates or contradicts."""

    fact = serializers.ChoiceField(choices=["event", "round", "milestone", "participation"])
    id = serializers.IntegerField()
    effective_on = serializers.DateField(allow_null=True)


class CandidateSerializer(serializers.ModelSerializer):
    agreement: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parties = serializers.SlugRelatedField[State](slug_field="alpha3", many=True, read_only=True)
    type: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    party: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="alpha3", read_only=True)
    milestone = serializers.CharField(source="milestone_kind", read_only=True)
    matches = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            "id", "article", "agreement", "parties", "type", "kind", "status", "step", "party", "number",
            "milestone", "effective_on", "precision", "evidence", "evidence_start", "evidence_end", "cues",
            "confidence", "relation", "matches", "review", "review_reason", "reviewed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(MatchSerializer(allow_null=True))
    def get_matches(self, candidate: Candidate) -> dict[str, Any] | None:
        if candidate.matched_event is not None:
            return {
                "fact": "event",
                "id": candidate.matched_event.pk,
                "effective_on": candidate.matched_event.effective_on,
            }
        if candidate.matched_round is not None:
            return {
                "fact": "round",
                "id": candidate.matched_round.pk,
                "effective_on": candidate.matched_round.starts_on,
            }
        if candidate.matched_milestone is not None:
            milestone = candidate.matched_milestone
            return {"fact": "milestone", "id": milestone.pk, "effective_on": milestone.completed_on or milestone.due_on}
        if candidate.matched_participation is not None:
            return {"fact": "participation", "id": candidate.matched_participation.pk, "effective_on": None}
        return None


class ArticleSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)
    # Strings, not "uri": an article pasted without its address has none (an empty string).
    url = serializers.CharField(read_only=True)
    canonical_url = serializers.CharField(read_only=True)
    feed: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    source = serializers.PrimaryKeyRelatedField[Any](read_only=True, allow_null=True)  # type: ignore[assignment]  # a declared field

    class Meta:
        model = Article
        fields = [
            "id", "origin", "url", "canonical_url", "title", "text", "publisher", "published_on", "language",
            "feed", "fetch_state", "fetch_error", "extracted_at", "source", "created_at", "candidates",
        ]  # fmt: skip
        read_only_fields = fields


class ArticleSubmitSerializer(StrictTypesMixin, serializers.Serializer):
    """A pasted article, or `{"url"}` alone to have it fetched."""

    url = serializers.URLField(required=False, default="", max_length=500)
    title = serializers.CharField(required=False, default="", max_length=500, allow_blank=True)
    text = serializers.CharField(required=False, default="", allow_blank=True, trim_whitespace=False)
    publisher = serializers.CharField(required=False, default="", max_length=200, allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    language = serializers.ChoiceField(choices=list(LANGUAGES), required=False, default="")


class CandidateAcceptSerializer(StrictTypesMixin, serializers.Serializer):
    """Fields to correct before accepting; each optional (nothing: accept as proposed)."""

    status = serializers.ChoiceField(choices=Status.choices, required=False)
    step = serializers.ChoiceField(choices=PartyStep.choices, required=False)
    party = StateCodeField(required=False)
    number = serializers.IntegerField(required=False, min_value=1, max_value=999)
    milestone = serializers.ChoiceField(source="milestone_kind", choices=MilestoneKind.choices, required=False)
    effective_on = serializers.DateField(required=False)
    precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    type = CodeRelatedField(slug_field="code", queryset=AgreementType.objects.all(), required=False)


class CandidateRejectSerializer(StrictTypesMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class FeedSerializer(StrictTypesMixin, serializers.ModelSerializer):
    class Meta:
        model = Feed
        fields = [
            "id", "url", "publisher", "language", "interval_minutes", "active", "next_poll_at", "last_polled_at",
            "last_status", "failures", "last_error", "last_error_at", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "next_poll_at", "last_polled_at", "last_status", "failures", "last_error", "last_error_at",
            "created_at",
        ]  # fmt: skip
