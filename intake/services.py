"""Writes of the intake: articles in (stored once), the facts found in them, and their review.

Accepting a candidate writes through the record's own services (negotiations.services), so the lifecycle,
the parties rule, the evidence rule and the change log hold as they do for a form; the change log names the
intake as the door the write came through.
"""

import datetime
import functools
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from negotiations import services as record
from negotiations.choices import ApprovalStatus, DatePrecision, MilestoneKind, MilestoneStatus
from negotiations.models import (
    Agreement,
    AgreementType,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from parties.models import State
from raa_tracker import provenance
from raa_tracker.celery import queue_after_commit

from .choices import CandidateKind, FetchState, Origin, PartyStep, Relation, Review
from .extraction.engine import Finding, extract
from .extraction.languages import LANGUAGES
from .matching import Match, Matcher
from .models import Article, Candidate, Feed

FETCH_TASK = "intake.fetch_article"
# The notifications app's task that tells watchers of an article's new candidates (its sweep finds any missed).
ANNOUNCE_TASK = "notifications.announce_candidates"


def text_digest(text: str) -> str:
    """SHA-256 of the text with its spacing and Unicode forms made uniform: the same report pasted twice, or
    fetched once and pasted once, has one digest."""
    normalised = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest() if normalised else ""


@functools.cache
def _language_identifier() -> Any:
    import py3langid.langid  # loaded once, on first use: the model takes half a second to read

    return py3langid.langid._load_identifier(langs=list(LANGUAGES))


def detect_language(text: str) -> str:
    """The article's language among the four the extraction reads (py3langid, restricted to them)."""
    return str(_language_identifier().classify(text[:5000])[0])


def _existing(fields: Mapping[str, Any]) -> Article | None:
    """The stored article these fields describe: by feed and GUID, then canonical address, then text."""
    conditions = []
    if fields.get("feed") is not None and fields.get("guid"):
        conditions.append(Q(feed=fields["feed"], guid=fields["guid"]))
    if fields.get("canonical_url"):
        conditions.append(Q(canonical_url=fields["canonical_url"]))
    if fields.get("digest"):
        conditions.append(Q(digest=fields["digest"]))
    for condition in conditions:
        found = Article.objects.filter(condition).order_by("id").first()
        if found is not None:
            return found
    return None


def article_store(**fields: Any) -> tuple[Article, bool]:
    """Store an article once: (the article, True) when new, (the earlier one, False) when it was there.

    Two writers at once (two pollers, a poller and an analyst) cannot both store it: the database's unique
    constraints decide, and the loser gets the winner's row.
    """
    if fields.get("text") and not fields.get("digest"):
        fields["digest"] = text_digest(fields["text"])
    found = _existing(fields)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return Article.objects.create(**fields), True
    except IntegrityError:
        found = _existing(fields)
        if found is None:
            raise
        return found, False


def article_submit(
    *,
    actor: User | None,
    url: str = "",
    title: str = "",
    text: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    language: str = "",
) -> tuple[Article, bool]:
    """An article an analyst (any signed-in user) pastes, or gives by its address alone for a worker to fetch.
    Returns (article, created): the same text (or address) again gives the first article back."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to submit an article."))
    text, url = text.strip(), url.strip()
    errors: dict[str, list[str]] = {}
    if not text and not url:
        errors["text"] = [_("Paste the article's text, or give its address to have it fetched.")]
    if text and not published_on:
        errors["published_on"] = [_("Give the date the article was published: its dates are read against it.")]
    if published_on and published_on > timezone.localdate():
        errors["published_on"] = [_("A publication date cannot be in the future.")]
    if language and language not in LANGUAGES:
        errors["language"] = [
            _("The intake reads %(languages)s.") % {"languages": ", ".join(LANGUAGES)},
        ]
    if errors:
        raise ValidationError(errors)
    if not text:
        earlier = Article.objects.filter(Q(url=url) | Q(canonical_url=url)).order_by("id").first()
        if earlier is not None:
            return earlier, False
        article = Article(origin=Origin.FETCHED, url=url, fetch_state=FetchState.QUEUED, submitted_by=actor)
        article.full_clean()
        with transaction.atomic():
            article.save()
            queue_after_commit(FETCH_TASK, article.pk)
        return article, True
    fields = {
        "origin": Origin.PASTED, "url": url, "title": title.strip(), "text": text, "publisher": publisher.strip(),
        "published_on": published_on, "language": language or detect_language(text), "submitted_by": actor,
    }  # fmt: skip
    Article(**{**fields, "digest": text_digest(text)}).full_clean(validate_unique=False, validate_constraints=False)
    article, created = article_store(**fields)
    if created:
        article_received(article)
    return article, created


def article_received(article: Article) -> None:
    """An article's text is in (pasted, fetched or from a feed): find the facts it reports."""
    article_extract(article)


def _findings(article: Article) -> list[Finding]:
    declared = article.language.split("-")[0].lower()  # a page's own tag may be en-GB
    language = declared if declared in LANGUAGES else detect_language(article.text)
    published = article.published_on or article.created_at.date()
    return extract(article.text, language, published, article.title)


def article_extract(article: Article) -> list[Candidate]:
    """Find the article's facts and match them with the record as of its date, replacing the candidates still
    waiting for review (reviewed ones stay as they were decided)."""
    findings = _findings(article) if article.text else []
    matcher = Matcher(as_of=article.published_on or timezone.localdate())
    codes = {code for finding in findings for code in (*finding.parties, finding.party) if code}
    states = {state.alpha3: state for state in State.objects.filter(alpha3__in=codes)}
    types = {t.code: t for t in AgreementType.objects.filter(code__in={f.type for f in findings if f.type})}
    made: list[tuple[Candidate, list[State]]] = []
    reviewed = {_key(c, [s.alpha3 for s in c.parties.all()]) for c in article.candidates.exclude(review=Review.PENDING)}
    for finding in findings:
        parties = [states[code] for code in finding.parties if code in states]
        if len(parties) != len(finding.parties):
            continue  # a state the record does not hold (a territory retired from ISO 3166)
        candidate = _candidate(article, finding, matcher.match(finding), types, states)
        if _key(candidate, list(finding.parties)) in reviewed:
            continue  # decided already: a rejected fact does not come back
        made.append((candidate, parties))
    with transaction.atomic():
        article.candidates.filter(review=Review.PENDING).delete()
        created = Candidate.objects.bulk_create([candidate for candidate, _ in made])
        Through = Candidate.parties.through
        Through.objects.bulk_create(
            [
                Through(candidate_id=c.pk, state_id=s.pk)
                for c, (_, parties) in zip(created, made, strict=True)
                for s in parties
            ]
        )
        article.extracted_at = timezone.now()
        Article.objects.filter(pk=article.pk).update(extracted_at=article.extracted_at)
        if created:
            queue_after_commit(ANNOUNCE_TASK, article.pk)
    return created


def _key(candidate: Candidate, parties: list[str]) -> tuple:
    return (
        tuple(sorted(parties)), candidate.type_id, candidate.kind, candidate.status, candidate.step,
        candidate.party_id, candidate.number, candidate.milestone_kind, candidate.effective_on,
    )  # fmt: skip


def _candidate(
    article: Article, finding: Finding, found: Match, types: dict[str, AgreementType], states: dict[str, State]
) -> Candidate:
    return Candidate(
        article=article,
        agreement=found.agreement,
        type=types.get(finding.type or ""),
        kind=finding.kind,
        status=finding.status,
        step=finding.step,
        party=states.get(finding.party or ""),
        number=finding.number,
        milestone_kind=finding.milestone_kind,
        effective_on=finding.effective_on,
        precision=finding.precision,
        evidence=finding.evidence,
        evidence_start=finding.evidence_start,
        evidence_end=finding.evidence_end,
        cues=finding.cues,
        confidence=finding.confidence,
        relation=found.relation,
        matched_event=found.event,
        matched_round=found.round,
        matched_milestone=found.milestone,
        matched_participation=found.participation,
    )


def feed_create(*, actor: User | None, **fields: Any) -> Feed:
    """Register a feed (administrators): polled from now on, every `interval_minutes`."""
    policy.require(actor, Action.CREATE, Feed)
    feed = Feed(**fields)
    feed.full_clean()
    feed.save()
    return feed


# --- Review -------------------------------------------------------------------------------------------------

OVERRIDABLE = ("status", "step", "party", "number", "milestone_kind", "effective_on", "precision", "type")


def _may_review(actor: User | None, candidate: Candidate) -> None:
    policy.require(actor, Action.CHANGE, candidate)


def _pending(candidate: Candidate) -> None:
    if candidate.review != Review.PENDING:
        raise ValidationError(
            {"review": [_("This candidate was already %(review)s.") % {"review": candidate.get_review_display()}]}
        )


def candidate_reject(*, actor: User | None, candidate: Candidate, reason: str) -> Candidate:
    """Reject a candidate, keeping it with the reason (the next extraction of its article will not bring it
    back as pending)."""
    _may_review(actor, candidate)
    _pending(candidate)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the candidate is wrong.")]})
    with transaction.atomic():
        updated = Candidate.objects.filter(pk=candidate.pk, review=Review.PENDING).update(
            review=Review.REJECTED, review_reason=reason.strip(), reviewed_by=actor, reviewed_at=timezone.now()
        )
        if not updated:
            raise ValidationError({"review": [_("Someone else reviewed this candidate meanwhile.")]})
    candidate.refresh_from_db()
    return candidate


def _apply_overrides(candidate: Candidate, overrides: Mapping[str, Any]) -> None:
    unknown = set(overrides) - set(OVERRIDABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    for name, value in overrides.items():
        setattr(candidate, name, value)
    if candidate.effective_on is not None and not candidate.precision:
        candidate.precision = DatePrecision.DAY
    if candidate.effective_on is None:
        candidate.precision = ""
    try:
        candidate.full_clean(exclude=["article", "agreement", "evidence"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _source_for(actor: User | None, article: Article) -> Source:
    """The record's source for the article: found by its address, or made from its title, publisher and date."""
    if article.source_id is not None and article.source is not None:
        return article.source
    source = record.source_find_or_record(
        actor=actor,
        url=article.canonical_url or article.url,
        title=(article.title or _("Article of %(date)s") % {"date": article.published_on})[:300],
        publisher=article.publisher or _("unknown publisher"),
        published_on=article.published_on,
        language=article.language or "en",
    )
    Article.objects.filter(pk=article.pk).update(source=source)
    article.source = source
    return source


def _new_agreement(actor: User | None, candidate: Candidate) -> Agreement:
    """The agreement a candidate proposes, made from its parties and type."""
    if candidate.type is None:
        raise ValidationError({"type": [_("Choose the agreement's type: the article did not name one.")]})
    parties = list(candidate.parties.order_by("alpha3"))
    title = f"{candidate.type.name} ({' – '.join(state.short_name for state in parties)})"
    base = slugify("-".join([*(state.alpha3.lower() for state in parties), candidate.type.code.lower()]))
    slug, number = base, 1
    while Agreement.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return record.agreement_create(actor=actor, title=title[:300], slug=slug, type=candidate.type, parties=parties)


def _require_date(candidate: Candidate) -> datetime.date:
    if candidate.effective_on is None:
        raise ValidationError({"effective_on": [_("Give the date: the article did not say when.")]})
    return candidate.effective_on


def _write_fact(actor: User | None, candidate: Candidate, agreement: Agreement, source: Source) -> None:
    """Record the candidate's fact through the record's services."""
    kind = candidate.kind
    if kind == CandidateKind.STATUS:
        record.agreement_transition(
            actor=actor,
            agreement=agreement,
            status=candidate.status,
            effective_on=_require_date(candidate),
            date_precision=candidate.precision or DatePrecision.DAY,
            source=source,
        )
    elif kind == CandidateKind.ROUND:
        if candidate.number is None:
            raise ValidationError({"number": [_("Give the round's number: the article did not.")]})
        record.round_record(
            actor=actor,
            agreement=agreement,
            number=candidate.number,
            starts_on=_require_date(candidate),
            starts_precision=candidate.precision or DatePrecision.DAY,
            source=source,
        )
    elif kind == CandidateKind.MILESTONE:
        record.milestone_record(
            actor=actor,
            agreement=agreement,
            title=candidate.get_milestone_kind_display()[:300],
            due_on=_require_date(candidate),
            due_precision=candidate.precision or DatePrecision.DAY,
            kind=candidate.milestone_kind or MilestoneKind.OTHER,
            source=source,
        )
    else:
        _write_party_step(actor, candidate, agreement, source)


def _write_party_step(actor: User | None, candidate: Candidate, agreement: Agreement, source: Source) -> None:
    participation = agreement.participations.filter(state=candidate.party).first()
    if participation is None:
        raise ValidationError({"party": [_("Choose one of the agreement's parties.")]})
    date = _require_date(candidate)
    if candidate.step == PartyStep.NOTES_EXCHANGED:
        record.milestone_record(
            actor=actor,
            agreement=agreement,
            title=_("Exchange of notes (%(state)s)") % {"state": participation.state.short_name},
            due_on=date,
            due_precision=candidate.precision or DatePrecision.DAY,
            kind=MilestoneKind.EXCHANGE_OF_NOTES,
            status=MilestoneStatus.DONE,
            completed_on=date,
            responsible_party=participation.state,
            source=source,
        )
        return
    fields: dict[str, Any] = {"source": source}
    if candidate.step == PartyStep.SIGNATURE:
        fields["signed_on"] = date
    elif candidate.step == PartyStep.APPROVAL:
        fields.update(
            approval_status=ApprovalStatus.APPROVED,
            approval_decided_on=date,
            approval_decided_precision=candidate.precision or DatePrecision.DAY,
        )
    else:
        fields["entry_into_force_on"] = date
    record.participation_update(actor=actor, participation=participation, **fields)


def _cite(actor: User | None, candidate: Candidate, source: Source) -> None:
    """A corroborating candidate adds the article as one more source of the fact it matches."""
    fact: StatusEvent | NegotiationRound | Milestone | Participation | None = (
        candidate.matched_event or candidate.matched_round or candidate.matched_milestone
    ) or candidate.matched_participation
    if fact is None:
        raise ValidationError({"relation": [_("The fact this candidate corroborates is no longer in the record.")]})
    if fact.source_id == source.pk or fact.citations.filter(source=source).exists():
        return  # the article is already a source of the fact
    record.citation_add(actor=actor, fact=fact, source=source, quote=candidate.evidence[:2000])


def candidate_accept(*, actor: User | None, candidate: Candidate, **overrides: Any) -> Candidate:
    """Accept a candidate, edited first if need be: the fact is written through the record's services (a move
    the lifecycle refuses raises, and nothing is written), the article becomes its source (or, for a fact the
    record already has, one more citation of it), and the change log says the write came from the intake."""
    _may_review(actor, candidate)
    _pending(candidate)
    if overrides:
        _apply_overrides(candidate, overrides)
    with provenance.writing(channel=provenance.Channel.INTAKE), transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.review != Review.PENDING:
            raise ValidationError({"review": [_("Someone else reviewed this candidate meanwhile.")]})
        article = Article.objects.get(pk=candidate.article_id)  # as stored: an earlier refusal rolled back
        source = _source_for(actor, article)
        if candidate.relation == Relation.CORROBORATES and not overrides:
            _cite(actor, candidate, source)
        else:
            agreement = candidate.agreement or _new_agreement(actor, candidate)
            _write_fact(actor, candidate, agreement, source)
            candidate.agreement = agreement  # only once written: a refusal leaves the candidate as it was
        candidate.review, candidate.reviewed_by, candidate.reviewed_at = Review.ACCEPTED, actor, timezone.now()
        candidate.save()
    return candidate
