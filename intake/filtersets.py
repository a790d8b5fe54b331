"""The intake's FilterSets, shared by the review inbox and the API (one definition of every filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from negotiations.models import Agreement
from parties.models import State
from raa_tracker.api.filters import ALPHA3, SLUG, CodeFilter, StrictFilterSet

from .choices import CandidateKind, Relation, Review
from .models import Candidate


class CandidateFilterSet(StrictFilterSet):
    article = django_filters.NumberFilter(field_name="article_id", label=_("Article"))
    agreement = CodeFilter(
        queryset=Agreement.objects.all(),
        to_field_name="slug",
        field_name="agreement__slug",
        normalize=str.lower,
        pattern=SLUG,
        label=_("Agreement (slug); repeat for any of several"),
    )
    state = CodeFilter(
        queryset=State.objects.all(),
        to_field_name="alpha3",
        field_name="parties__alpha3",
        conjoined=True,
        pattern=ALPHA3,
        label=_("Parties (all of them)"),
    )
    review = django_filters.MultipleChoiceFilter(choices=Review.choices, distinct=False, label=_("Review"))
    relation = django_filters.MultipleChoiceFilter(choices=Relation.choices, distinct=False, label=_("Relation"))
    kind = django_filters.MultipleChoiceFilter(choices=CandidateKind.choices, distinct=False, label=_("Kind"))

    class Meta:
        model = Candidate
        fields: list[str] = []
