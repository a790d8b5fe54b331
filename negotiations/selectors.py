"""Reads for pages and endpoints, with the joins they need: each page runs a fixed number of queries."""

import contextlib
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from accounts.policy import Role, party_codes_of, role_of
from parties.models import State

from . import lifecycle
from .choices import CitationRole, MilestoneStatus, Status
from .models import (
    FACT_NAMES,
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

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def agreements_with_parties() -> QuerySet[Agreement]:
    """Agreements with their type and parties, for lists (three queries whatever the number of rows)."""
    return Agreement.objects.select_related("type").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("state").order_by("state__short_name"))
    )


def status_counts() -> dict[str | None, int]:
    """How many agreements have each status; None counts those with no status recorded yet."""
    return dict(Agreement.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def type_counts() -> list[tuple[AgreementType, int]]:
    types = AgreementType.objects.annotate(n=Count("agreements")).filter(n__gt=0).order_by("-n", "code")
    return [(agreement_type, agreement_type.n) for agreement_type in types]


F = TypeVar("F", StatusEvent, NegotiationRound, Milestone, Participation)


def with_citations(facts: QuerySet[F]) -> QuerySet[F]:
    """Facts with their further citations and those citations' sources (one more query, whatever the rows)."""
    return facts.prefetch_related(Prefetch("citations", queryset=Citation.objects.select_related("source")))


def events() -> QuerySet[StatusEvent]:
    """Status events with their agreement, source, recorder and correction (the API adds their citations)."""
    return StatusEvent.objects.select_related("agreement", "source", "recorded_by", "correction")


def counting_events() -> QuerySet[StatusEvent]:
    """The events a history is made of: not corrected, not retractions, in date order."""
    return StatusEvent.objects.filter(correction__isnull=True).exclude(status="").order_by("effective_on", "id")


class AsOf(TypedDict):
    """What `as_of()` annotates: the status an agreement had on the day, and since when."""

    as_of_status: str
    as_of_since: datetime.date


if TYPE_CHECKING:
    AgreementAsOf = WithAnnotations[Agreement, AsOf]


def as_of(agreements: QuerySet[Agreement], day: datetime.date) -> "QuerySet[AgreementAsOf]":
    """The agreements that existed on `day` (had a status by then), each annotated with the status it had
    (`as_of_status`) and since when (`as_of_since`), from the event log."""
    last = counting_events().filter(agreement=OuterRef("pk"), effective_on__lte=day).order_by("-effective_on", "-id")
    return agreements.annotate(
        as_of_status=Subquery(last.values("status")[:1]), as_of_since=Subquery(last.values("effective_on")[:1])
    ).filter(as_of_status__isnull=False)


def show_as_of(agreements: Iterable[Agreement]) -> None:
    """Agreements from `as_of()` show the status they had then (on these instances only: never saved)."""
    for agreement in agreements:
        then = cast("AgreementAsOf", agreement)  # read through as_of(), behind a FilterSet the checker cannot see
        agreement.status, agreement.status_since = then.as_of_status, then.as_of_since


def recent_events(limit: int = 10) -> QuerySet[StatusEvent]:
    return events().order_by("-recorded_at", "-id")[:limit]


def milestones_due(today: datetime.date, days: int) -> QuerySet[Milestone]:
    return (
        Milestone.objects.open()
        .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
        .select_related("agreement", "responsible_party")
        .order_by("due_on", "id")
    )


def milestones_overdue(today: datetime.date) -> QuerySet[Milestone]:
    return Milestone.objects.overdue(today).select_related("agreement", "responsible_party").order_by("due_on", "id")


def negotiations_in_progress() -> QuerySet[Agreement]:
    """Open negotiations, longest running first (`started_on` is kept by the lifecycle service)."""
    return agreements_with_parties().filter(status__in=lifecycle.IN_PROGRESS).order_by("started_on", "title")


class Overview(TypedDict):
    status_counts: dict[str | None, int]
    type_counts: list[tuple[AgreementType, int]]
    due_soon: list[Milestone]
    overdue: list[Milestone]
    recent: list[StatusEvent]
    in_progress: list[Agreement]
    evidence: "EvidenceShare"
    stale: list[Agreement]
    stale_total: int


@dataclass(frozen=True)
class EvidenceShare:
    """How many of the record's facts (status changes that count, rounds, milestones) cite at least one source."""

    facts: int
    sourced: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.sourced / self.facts) if self.facts else None


def evidence_share() -> EvidenceShare:
    """Facts with a source of their own, or without one but with a further citation (citations are few, so
    that second count reads the small table): four counts, whatever the size of the record."""
    facts = sourced = 0
    tables: list[QuerySet] = [counting_events(), NegotiationRound.objects.all(), Milestone.objects.all()]
    for queryset in tables:
        figures = queryset.order_by().aggregate(n=Count("id"), sourced=Count("id", filter=Q(source__isnull=False)))
        facts += figures["n"]
        sourced += figures["sourced"]
    cited_only = Citation.objects.filter(
        Q(event__source__isnull=True, event__correction__isnull=True) & ~Q(event__status="")
        | Q(round__source__isnull=True)
        | Q(milestone__source__isnull=True)
    )
    sourced += cited_only.values("event", "round", "milestone").distinct().count()
    return EvidenceShare(facts, sourced)


EVIDENCE_SHARE_SECONDS = 600
EVIDENCE_SHARE_KEY = "evidence-share"


def evidence_share_recent() -> EvidenceShare:
    """The share, at most EVIDENCE_SHARE_SECONDS old: it counts every fact of the record (a second over a
    million status changes), moves slowly, and would otherwise be recounted on the first overview after
    every change. Without a cache it is counted each time."""
    try:
        found = cache.get(EVIDENCE_SHARE_KEY)
    except Exception:  # noqa: BLE001 - the cache is down: count (raa_tracker.cache has logged it)
        return evidence_share()
    if isinstance(found, EvidenceShare):
        return found
    share = evidence_share()
    with contextlib.suppress(Exception):  # not stored: counted again next time
        cache.set(EVIDENCE_SHARE_KEY, share, EVIDENCE_SHARE_SECONDS)
    return share


def overview(today: datetime.date, rows: int) -> Overview:
    """The overview's figures, evaluated (so that they can be cached): each list shows its first `rows`
    only, so the page costs the same with forty agreements or forty thousand."""
    return {
        "status_counts": status_counts(),
        "type_counts": type_counts(),
        "due_soon": list(milestones_due(today, 30)[:rows]),
        "overdue": list(milestones_overdue(today)[:rows]),
        "recent": list(recent_events(10)),
        "in_progress": list(negotiations_in_progress()[:rows]),
        "evidence": evidence_share_recent(),
        "stale": list(stale_agreements(today)[:rows]),
        "stale_total": stale_agreements(today).count(),
    }


@dataclass(frozen=True)
class AgreementPage:
    agreement: Agreement
    participations: list[Participation]
    history: list[StatusEvent]
    rounds: list[NegotiationRound]
    milestones: list[Milestone]
    sources: list[Source]


def agreement_page(slug: str) -> AgreementPage:
    """Everything the agreement page shows, in seven queries (the seventh: the facts' further citations)."""
    agreement = Agreement.objects.select_related("type", "checked_by", "checked_source").get(slug=slug)
    participations = list(agreement.participations.select_related("state", "source").order_by("state__short_name"))
    history = list(
        agreement.events.select_related("source", "recorded_by", "correction", "corrects").order_by(
            "effective_on", "id"
        )
    )
    rounds = list(agreement.rounds.select_related("host", "source").order_by("number"))
    milestones = list(
        agreement.milestones.select_related("responsible_party", "source", "owner").order_by("due_on", "id")
    )
    citing: list[Participation | StatusEvent | NegotiationRound | Milestone] = [
        *participations,
        *history,
        *rounds,
        *milestones,
    ]
    _attach_citations(agreement, citing)
    cited = {item.source_id for item in citing if item.source_id}
    cited |= {citation.source_id for item in citing for citation in item.cited}  # type: ignore[union-attr]
    sources = list(Source.objects.filter(pk__in=cited).order_by("published_on", "title"))
    return AgreementPage(agreement, participations, history, rounds, milestones, sources)


def _attach_citations(
    agreement: Agreement, facts: list[Participation | StatusEvent | NegotiationRound | Milestone]
) -> None:
    """Give each fact of the page its further citations (`cited`) and whether one contradicts it
    (`contradicted`), from one query for the whole agreement."""
    by_fact: dict[tuple[str, int], list[Citation]] = {}
    for citation in Citation.objects.filter(agreement=agreement).select_related("source").order_by("id"):
        kind = next(name for name in Citation.FACTS if getattr(citation, f"{name}_id"))
        by_fact.setdefault((kind, getattr(citation, f"{kind}_id")), []).append(citation)
    for fact in facts:
        cited = by_fact.get((FACT_NAMES[type(fact)], fact.pk), [])
        # For the page only (never saved).
        fact.cited = cited  # type: ignore[union-attr]
        fact.contradicted = any(c.role == CitationRole.CONTRADICTS for c in cited)  # type: ignore[union-attr]


def state_agreements(state: State) -> QuerySet[Agreement]:
    return agreements_with_parties().filter(participations__state=state).order_by("status", "title")


def agenda(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str, object]]:
    """Open milestones and rounds between two dates, in date order, for the agenda by month."""
    milestones = Milestone.objects.filter(
        status=MilestoneStatus.PLANNED, due_on__gte=start, due_on__lte=end
    ).select_related("agreement")
    rounds = NegotiationRound.objects.filter(starts_on__gte=start, starts_on__lte=end).select_related(
        "agreement", "host"
    )
    items = [(m.due_on, "milestone", m) for m in milestones] + [(r.starts_on, "round", r) for r in rounds]
    return sorted(items, key=lambda item: (item[0], item[1]))


SEARCH_LIMIT = 20


def search(query: str) -> dict[str, list]:
    """Agreements, events, rounds, milestones and sources matching `query`.

    PostgreSQL ranks with full-text search (the 'simple' configuration, since records mix languages);
    SQLite falls back to case-insensitive containment.
    """
    query = query.strip()
    if not query:
        return {}
    if connection.vendor == "postgresql":
        return _search_postgres(query)
    return {
        "agreements": list(
            agreements_with_parties().filter(Q(title__icontains=query) | Q(summary__icontains=query))[:SEARCH_LIMIT]
        ),
        "events": list(
            events()
            .filter(Q(note__icontains=query) | Q(place__icontains=query))
            .order_by("-effective_on")[:SEARCH_LIMIT]
        ),
        "rounds": list(
            NegotiationRound.objects.select_related("agreement")
            .filter(Q(place__icontains=query) | Q(summary__icontains=query))
            .order_by("-starts_on")[:SEARCH_LIMIT]
        ),
        "milestones": list(
            Milestone.objects.select_related("agreement")
            .filter(Q(title__icontains=query) | Q(note__icontains=query))
            .order_by("-due_on")[:SEARCH_LIMIT]
        ),
        "sources": list(
            Source.objects.filter(Q(title__icontains=query) | Q(publisher__icontains=query)).order_by("-published_on")[
                :SEARCH_LIMIT
            ]
        ),
    }


def _search_postgres(query: str) -> dict[str, list]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    terms = SearchQuery(query, search_type="websearch", config="simple")

    def ranked(queryset: QuerySet, *fields: str) -> list:
        vector = SearchVector(*fields, config="simple")
        return list(
            queryset.annotate(rank=SearchRank(vector, terms)).filter(rank__gt=0).order_by("-rank")[:SEARCH_LIMIT]
        )

    return {
        "agreements": ranked(agreements_with_parties(), "title", "summary", "slug"),
        "events": ranked(events(), "note", "place"),
        "rounds": ranked(NegotiationRound.objects.select_related("agreement"), "place", "summary"),
        "milestones": ranked(Milestone.objects.select_related("agreement"), "title", "note"),
        "sources": ranked(Source.objects.all(), "title", "publisher"),
    }


def signed_and_due(today: datetime.date) -> QuerySet[Agreement]:
    """Signed agreements whose scheduled entry into force has come, oldest date first (a partial index)."""
    return Agreement.objects.filter(status=Status.SIGNED, entry_into_force_scheduled_on__lte=today).order_by(
        "entry_into_force_scheduled_on", "id"
    )


def changes() -> QuerySet[Change]:
    """The change log, newest first, with the agreement (its slug, for links) and the cited source: one query
    however many rows. Both joins are outer: a row outlives a deleted agreement or source."""
    return Change.objects.select_related("agreement", "source").order_by("-id")


def stale_agreements(today: datetime.date) -> QuerySet[Agreement]:
    """Agreements still under way (negotiated, suspended, or signed and not yet in force) whose status has not
    changed, nor the record been confirmed as current, for more than STALE_AFTER_DAYS; oldest first, each
    annotated with `last_activity_on` (the later of the two). Agreements in force or closed are left out:
    nothing is expected of them."""
    cutoff = today - datetime.timedelta(days=settings.STALE_AFTER_DAYS)
    last = Greatest("status_since", Coalesce("checked_on", "status_since"))
    return (
        Agreement.objects.filter(status__in=lifecycle.IN_PROGRESS | {Status.SIGNED})
        .annotate(last_activity_on=last)
        .filter(last_activity_on__lt=cutoff)
        .select_related("type")
        .order_by("last_activity_on", "title", "id")
    )


def is_stale(agreement: Agreement, today: datetime.date) -> bool:
    """Whether stale_agreements() lists this one, from the row already read (no query)."""
    if agreement.status not in lifecycle.IN_PROGRESS | {Status.SIGNED} or agreement.status_since is None:
        return False
    last = max(agreement.status_since, agreement.checked_on or agreement.status_since)
    return last < today - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


def reports_visible_to(user: object) -> QuerySet[ErrorReport]:
    """The reports a user may read: all for administrators; those on agreements of the states an official acts
    for; one's own. Nothing for anonymous visitors (their reports are read by those who resolve them)."""
    reports = ErrorReport.objects.select_related(
        "agreement", "reporter", "resolved_by", "event", "round", "milestone", "participation__state"
    )
    role = role_of(user)  # type: ignore[arg-type]  # any request.user
    if role == Role.ADMINISTRATOR:
        return reports
    if role == Role.ANONYMOUS:
        return reports.none()
    mine = Q(reporter=user)
    codes = party_codes_of(user)  # type: ignore[arg-type]
    if codes:
        mine |= Q(agreement__in=Participation.objects.filter(state__alpha3__in=codes).values("agreement"))
    return reports.filter(mine)


def agreements_resolvable_by(user: object) -> set[int] | None:
    """The ids of the agreements whose reports `user` may resolve (None: all of them, an administrator's),
    in one query, for a queue that marks each report (policy.can would ask once per report)."""
    role = role_of(user)  # type: ignore[arg-type]  # any request.user
    if role == Role.ADMINISTRATOR:
        return None
    codes = party_codes_of(user)  # type: ignore[arg-type]
    if role != Role.OFFICIAL or not codes:
        return set()
    return set(Participation.objects.filter(state__alpha3__in=codes).values_list("agreement_id", flat=True))
