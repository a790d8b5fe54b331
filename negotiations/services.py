"""Every write with business meaning in the negotiation domain.

`actor` is the user on whose behalf the write is made; the policy module
decides whether they may. `actor=None` means the application itself (seed,
workers) and skips the policy check, so views must always pass request.user.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from parties.models import State
from raa_tracker.celery import queue_after_commit
from raa_tracker.services import locked_for_write

from . import lifecycle, selectors
from .changelog import ChangeLog, snapshot
from .choices import CitationRole, DatePrecision, MilestoneStatus, ReportStatus, Status
from .models import (
    FACT_NAMES,
    Agreement,
    AgreementType,
    Citation,
    ErrorReport,
    Fact,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)

Actor = User | None  # the user on whose behalf a write is made; None: the application itself
M = TypeVar("M", bound=Model)

# The task, by name, that acts on a new status event (notifications announces it to the watchers).
STATUS_EVENT_TASK = "notifications.status_event"


def _check(actor: Actor, action: Action, obj: Model | type[Model]) -> None:
    if actor is not None:
        policy.require(actor, action, obj)


def _save(obj: M) -> M:
    """The model's own rules, then the row (for reference data, which the change log does not follow)."""
    obj.full_clean()
    obj.save()
    return obj


def _clean(actor: Actor, obj: Model, *, evidence: bool, trusted: Sequence[str] = ()) -> None:
    """The model's own rules and, for a fact (`evidence`), the evidence rule: every broken rule at once, each
    beside its field. `trusted` relations the caller loaded itself are not looked up again, and with any the
    check constraints are left to the database (a bulk write's INSERT; Django checks each with a query)."""
    errors: dict[str, list[ValidationError]] = {}
    checks: list[Callable[[], None]] = [
        lambda: obj.full_clean(exclude=list(trusted), validate_constraints=not trusted) if trusted else obj.full_clean()
    ]
    if evidence and isinstance(obj, StatusEvent | NegotiationRound | Milestone):
        fact = obj
        checks.append(lambda: _require_evidence(actor, fact))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            _gather(errors, error)
    if errors:
        raise ValidationError(errors)


def _gather(errors: dict[str, list[ValidationError]], error: ValidationError) -> None:
    """Add `error`'s messages to `errors` by field, each kept with its code (the import names some as rules)."""
    for field, field_errors in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(field_errors)


def _create(actor: Actor, obj: M, *, message: str = "") -> M:
    """The common end of a new row of the record, once the policy has allowed it: the model's own rules (and the
    evidence rule for a fact), then the row and its change row in one transaction."""
    _clean(actor, obj, evidence=True)
    log = ChangeLog(actor)
    with transaction.atomic():
        obj.save()
        log.created(obj, message=message)
        log.save()
    return obj


def _recorder(actor: Actor) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _set_fields(obj: Model, fields: Mapping[str, object], *, allowed: Iterable[str]) -> None:
    """Copy the changed values onto `obj`; a field that this write may not change is refused by name."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        setattr(obj, name, value)


def _update(
    actor: Actor, obj: M, expected_version: str | None, fields: Mapping[str, object], allowed: Iterable[str]
) -> M:
    """The common path of a change to one row: the policy, the row locked (and its version checked), the
    fields this write may change, the model's own rules (and, for a fact whose evidence the write touches,
    the evidence rule), then the row."""
    _check(actor, Action.CHANGE, obj)
    log = ChangeLog(actor)
    with transaction.atomic():
        locked = locked_for_write(obj, expected_version)
        before = snapshot(locked)
        _set_fields(locked, fields, allowed=allowed)
        # The evidence rule holds for a write that changes the evidence (it may not leave a fact without it).
        evidence = {"source", "no_source_reason"} & before.keys()
        _clean(actor, locked, evidence=any(snapshot(locked)[name] != before[name] for name in evidence))
        locked.save()
        log.changed(locked, before)
        log.save()
        return locked


NO_SOURCE = _(
    "Cite a source, or choose “no public source” and say why (the record shows no fact without its evidence)."
)


def _require_evidence(actor: Actor, fact: StatusEvent | NegotiationRound | Milestone) -> None:
    """A person recording a fact cites a source or says why there is none: no silent gaps. The application's
    own writes (the seed's facts that DOMAIN.md gives without a publication, the worker's entry into force) are
    exempt; a retraction states no fact. A source makes a stated reason moot, so it is cleared."""
    if fact.source_id is not None or getattr(fact, "source", None) is not None:
        fact.no_source_reason = ""
        return
    fact.no_source_reason = fact.no_source_reason.strip()
    if actor is None or fact.no_source_reason or (isinstance(fact, StatusEvent) and not fact.status):
        return
    if fact.pk is not None and fact.citations.exists():
        return
    raise ValidationError({"source": NO_SOURCE})


def _stays_with_its_agreement(obj: NegotiationRound | Milestone, fields: dict[str, object]) -> None:
    """A round or milestone belongs to one agreement for good: moving it would rewrite another record's history."""
    moved_to = fields.pop("agreement", obj.agreement)
    if getattr(moved_to, "pk", moved_to) != obj.agreement_id:
        raise ValidationError({"agreement": _("A round or milestone stays with its agreement.")})


def _check_parties(actor: Actor, states: list[State], field: str = "participations") -> None:
    """The parties rule, for creation and every later change: two or more states, each once, and an
    official's own state among them. `field` is the input that named the states, for the error."""
    if len(states) < 2:
        raise ValidationError({field: [_("An agreement needs at least two parties.")]})
    if len({state.pk for state in states}) != len(states):
        raise ValidationError({field: [_("Each state may appear only once.")]})
    if actor is not None:
        policy.require_party_among(actor, [state.alpha3 for state in states])


def agreement_create(
    *,
    actor: Actor,
    title: str,
    slug: str,
    type: AgreementType,
    participations: Sequence[Mapping[str, Any]] = (),
    parties: Iterable[State] = (),
    summary: str = "",
    target_conclusion_on: datetime.date | None = None,
    entry_into_force_scheduled_on: datetime.date | None = None,
) -> Agreement:
    """Create an agreement with its parties: `participations` (each with its `state` and its own steps), or
    just the states as `parties`."""
    field = "participations" if participations else "parties"
    participations = list(participations) or [{"state": state} for state in dict.fromkeys(parties)]
    _check(actor, Action.CREATE, Agreement)
    _check_parties(actor, [item["state"] for item in participations], field)
    agreement = Agreement(
        title=title,
        slug=slug,
        type=type,
        summary=summary,
        target_conclusion_on=target_conclusion_on,
        entry_into_force_scheduled_on=entry_into_force_scheduled_on,
        created_by=_recorder(actor),
    )
    agreement.full_clean()
    log = ChangeLog(actor)
    with transaction.atomic():
        agreement.save()
        log.created(agreement)
        _write_participations(agreement, participations, log)
        log.save()
    return agreement


def agreement_type_upsert(
    *, actor: Actor, code: str, name: str, description: str = "", family: str = ""
) -> tuple[AgreementType, str]:
    """Create the kind of agreement with this code, or bring its name, description and family up to date;
    returns it and 'created', 'updated' or '' (reference data: administrators only)."""
    agreement_type = AgreementType.objects.filter(code=code).first()
    wanted = (name, description, family)
    if (
        agreement_type is not None
        and (agreement_type.name, agreement_type.description, agreement_type.family) == wanted
    ):
        return agreement_type, ""
    outcome = "created" if agreement_type is None else "updated"
    agreement_type = agreement_type or AgreementType(code=code)
    agreement_type.name, agreement_type.description, agreement_type.family = wanted
    _check(actor, Action.CREATE if outcome == "created" else Action.CHANGE, agreement_type)
    return _save(agreement_type), outcome


# What agreement_update may change; the status only moves through agreement_transition, the slug never.
AGREEMENT_FIELDS = ("title", "type", "summary", "target_conclusion_on", "entry_into_force_scheduled_on")


def agreement_update(
    *,
    actor: Actor,
    agreement: Agreement,
    expected_version: str | None = None,
    participations: Sequence[Mapping[str, Any]] | None = None,
    **fields: object,
) -> Agreement:
    """Change an agreement's descriptive fields and, with `participations`, make its parties exactly these."""
    _check(actor, Action.CHANGE, agreement)
    if {"status", "status_since"} & fields.keys():
        names = sorted({"status", "status_since"} & fields.keys())
        raise ValidationError({name: _("Change the status by recording a status change.") for name in names})
    if "slug" in fields and fields.pop("slug") != agreement.slug:
        raise ValidationError({"slug": _("The slug names the agreement in every link and cannot change.")})
    log = ChangeLog(actor)
    with transaction.atomic():
        locked = locked_for_write(agreement, expected_version)
        before = snapshot(locked)
        _set_fields(locked, fields, allowed=AGREEMENT_FIELDS)
        if participations is not None:
            participations = list(participations)
            _check_parties(actor, [item["state"] for item in participations])
            _write_participations(locked, participations, log)
        _save(locked)
        log.changed(locked, before)
        log.save()
    return locked


def _write_participations(
    agreement: Agreement, participations: list[Mapping[str, Any]], log: ChangeLog
) -> list[Participation]:
    """Make the agreement's parties exactly these, each row checked by the model (the caller checked the set),
    and each party added, changed or removed logged.

    A row's fields and clean() are checked here; its agreement, state and source are rows the caller holds,
    the set's uniqueness the caller checked (_check_parties), and its check constraints, which restate
    clean()'s rules, hold in the database: none is looked up again (Django would ask the database once each)."""
    existing = {p.state_id: p for p in agreement.participations.select_related("state")} if agreement.pk else {}
    kept, added = [], []
    for item in participations:
        state = item["state"]
        row = existing.pop(state.pk, None) or Participation(agreement=agreement, state=state)
        before = snapshot(row) if row.pk else None
        for name, value in item.items():
            setattr(row, name, value)
        try:
            row.full_clean(exclude=["agreement", "state", "source"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            messages = [f"{state.alpha3} {field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            raise ValidationError({"participations": messages}) from None
        if before is None:
            added.append(row)
        elif snapshot(row) != before:
            row.save()
            log.changed(row, before)
        kept.append(row)
    for row in Participation.objects.bulk_create(added):
        log.created(row)
    if existing:
        for gone in existing.values():
            log.deleted(gone)
        Participation.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    return kept


def _counting_steps(agreement: Agreement, excluding: StatusEvent | None) -> list[lifecycle.Step]:
    """The agreement's events that count, in date order: not retractions, not corrected, not `excluding`."""
    events = selectors.counting_events().filter(agreement=agreement)
    return [
        lifecycle.Step(Status(e.status), e.effective_on) for e in events if excluding is None or e.pk != excluding.pk
    ]


def _plan(
    agreement: Agreement, new: StatusEvent, corrects: StatusEvent | None
) -> tuple[lifecycle.Position, datetime.date | None, datetime.date | None]:
    """Where the agreement stands once `new` is placed in its history by date, since when, and when its
    record starts (the first step that counts); raises TransitionRefused.

    A back-dated event is checked against what came before it and must leave
    every later event valid.
    """
    steps = _counting_steps(agreement, corrects)
    if not new.status:  # a retraction: the rest must still make sense without the wrong entry
        try:
            position = lifecycle.replay(steps)
        except lifecycle.TransitionRefused as refused:
            raise lifecycle.TransitionRefused(
                refused.position,
                refused.attempted,
                refused.effective_on,
                reason=_("Without that entry the history is invalid: %(reason)s") % {"reason": refused.describe()},
            ) from None
        return position, steps[-1].effective_on if steps else None, steps[0].effective_on if steps else None
    before = [s for s in steps if s.effective_on <= new.effective_on]
    after = [s for s in steps if s.effective_on > new.effective_on]
    position = lifecycle.replay(before)
    position_at_new = position
    position = lifecycle.advance(position, Status(new.status))
    for step in after:
        try:
            position = lifecycle.advance(position, step.status)
        except lifecycle.TransitionRefused as later:
            raise lifecycle.TransitionRefused(
                position_at_new,
                Status(new.status),
                new.effective_on,
                reason=_(
                    "Recording %(status)s on %(date)s would make the later change "
                    "to %(later)s on %(later_date)s invalid."
                )
                % {
                    "status": new.status,
                    "date": new.effective_on.isoformat(),
                    "later": later.attempted.value,
                    "later_date": step.effective_on.isoformat(),
                },
            ) from None
    started = before[0].effective_on if before else new.effective_on
    return position, (after[-1].effective_on if after else new.effective_on), started


def agreement_transition(
    *,
    actor: Actor,
    agreement: Agreement,
    status: Status | str,
    effective_on: datetime.date,
    date_precision: DatePrecision | str = DatePrecision.DAY,
    place: str = "",
    note: str = "",
    source: Source | None = None,
    no_source_reason: str = "",
    corrects: StatusEvent | None = None,
    correction_reason: str = "",
    expected_version: str | None = None,
    report: ErrorReport | None = None,
) -> StatusEvent:
    """Record a change of status and recompute the agreement's current status, in one transaction.

    The lifecycle of DOMAIN.md decides; a refused move raises TransitionRefused
    (a ValidationError naming the current status and the allowed next ones)
    and writes nothing. With `corrects`, an administrator replaces a wrong
    entry (or retracts it, with an empty status); the wrong entry stays in the
    history. The agreement row is locked, so two concurrent changes are checked
    one after the other; with `expected_version`, a change made from a stale page is refused.
    """
    if report is not None:
        # Resolving a report on this very entry: the officials who may resolve it may correct it.
        _check(actor, Action.CHANGE, report)
        if corrects is None or report.event_id != corrects.pk:
            raise ValidationError({"corrects": _("A report is resolved by correcting the entry it is about.")})
    else:
        _check(actor, Action.CORRECT if corrects is not None else Action.TRANSITION, agreement)
    with transaction.atomic():
        locked = locked_for_write(agreement, expected_version)
        event = StatusEvent(
            agreement=locked,
            status=status or "",
            effective_on=effective_on,
            date_precision=date_precision,
            place=place,
            note=note,
            source=source,
            no_source_reason=no_source_reason,
            recorded_by=_recorder(actor),
            corrects=corrects,
            correction_reason=correction_reason,
        )
        _validate_event(event, actor)
        position, since, started = _plan(locked, event, corrects)
        event.save()
        log = ChangeLog(actor)
        log.created(event, message=correction_reason)
        log.save()
        locked.status = position.status
        locked.status_since = since
        locked.started_on = started
        locked.save(update_fields=["status", "status_since", "started_on", "updated_at"])
        # The event row is the outbox: whatever the change causes elsewhere (notices to watchers) is done by
        # the app that claims the event, nudged here once the change is committed, or found by its sweep.
        queue_after_commit(STATUS_EVENT_TASK, event.pk, or_run_here=True)
    agreement.status, agreement.status_since, agreement.started_on, agreement.updated_at = (
        locked.status,
        locked.status_since,
        locked.started_on,
        locked.updated_at,
    )
    return event


def agreement_history_record(
    *, actor: Actor, agreement: Agreement, steps: Sequence[Mapping[str, Any]]
) -> list[StatusEvent | ValidationError]:
    """Record several status changes of one agreement at once (an imported history), in date order: each checked
    as agreement_transition checks one (the policy, the model's rules, the evidence rule, no date in the
    future, the lifecycle from the step before), written with one INSERT for the events and one for their change
    rows, and the agreement's status set once. Returns, step by step, its event or the error that refused it
    (a refused step is left out, and the next is checked against the step before it).

    Steps dated before the agreement's last stored one are placed among the stored ones one by one
    (agreement_transition), which checks that every later step stays valid."""
    _check(actor, Action.TRANSITION, agreement)
    ordered = sorted(range(len(steps)), key=lambda index: steps[index]["effective_on"])
    results: dict[int, StatusEvent | ValidationError] = {}
    with transaction.atomic():
        locked = locked_for_write(agreement, None)
        stored = _counting_steps(locked, None)
        if stored and any(steps[index]["effective_on"] < stored[-1].effective_on for index in ordered):
            for index in ordered:
                try:
                    with transaction.atomic():
                        results[index] = agreement_transition(actor=actor, agreement=locked, **steps[index])
                except ValidationError as error:
                    results[index] = error
            return [results[index] for index in range(len(steps))]
        position = lifecycle.replay(stored)
        events: list[StatusEvent] = []
        for index in ordered:
            event = StatusEvent(agreement=locked, recorded_by=_recorder(actor), **steps[index])
            try:
                _validate_event(event, actor, bulk=True)
                position = lifecycle.advance(position, Status(event.status))
            except lifecycle.TransitionRefused as refused:
                refused.effective_on = event.effective_on
                results[index] = refused
                continue
            except ValidationError as error:
                results[index] = error
                continue
            events.append(event)
            results[index] = event
        if events:
            StatusEvent.objects.bulk_create(events)
            log = ChangeLog(actor)
            for event in events:
                log.created(event)
                queue_after_commit(STATUS_EVENT_TASK, event.pk, or_run_here=True)
            log.save()
            locked.status = position.status
            locked.status_since = events[-1].effective_on
            locked.started_on = stored[0].effective_on if stored else events[0].effective_on
            locked.save(update_fields=["status", "status_since", "started_on", "updated_at"])
    agreement.status, agreement.status_since, agreement.started_on = (
        locked.status,
        locked.status_since,
        locked.started_on,
    )
    return [results[index] for index in range(len(steps))]


def _validate_event(event: StatusEvent, actor: Actor, *, bulk: bool = False) -> None:
    """The event's rules; in a `bulk` write of new events (no corrections) its agreement, source and recorder
    are the caller's own rows, and the check constraints (a status from the list; a correction's reason) are
    the database's at the INSERT, besides the field's own choices checked here."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        _clean(actor, event, evidence=True, trusted=("agreement", "source", "recorded_by") if bulk else ())
    except ValidationError as error:
        _gather(errors, error)
    corrects = event.corrects
    if corrects is not None:
        if corrects.agreement_id != event.agreement_id:
            errors.setdefault("corrects", []).append(
                ValidationError(_("The corrected entry belongs to another agreement."))
            )
        if not event.correction_reason.strip():
            errors.setdefault("correction_reason", []).append(ValidationError(_("Say why the entry is corrected.")))
    elif not event.status:
        errors.setdefault("status", []).append(ValidationError(_("Choose the new status.")))
    if errors:
        raise ValidationError(errors)


def transition_check(
    *, agreement: Agreement, status: str, effective_on: datetime.date, corrects: StatusEvent | None = None
) -> None:
    """Raise TransitionRefused if the move would be refused now; for forms that show the error beside the field."""
    new = StatusEvent(agreement=agreement, status=status or "", effective_on=effective_on)
    _plan(agreement, new, corrects)


def source_record(
    *,
    actor: Actor,
    title: str,
    publisher: str,
    url: str = "",
    published_on: datetime.date | None = None,
    published_precision: DatePrecision | str = DatePrecision.DAY,
    language: str = "en",
) -> Source:
    source = Source(
        title=title,
        publisher=publisher,
        url=url,
        published_on=published_on,
        published_precision=published_precision,
        language=language,
        created_by=_recorder(actor),
    )
    _check(actor, Action.CREATE, source)
    return _create(actor, source)


SOURCE_FIELDS = ("title", "publisher", "url", "published_on", "published_precision", "language")


def source_update(*, actor: Actor, source: Source, expected_version: str | None = None, **fields: object) -> Source:
    return _update(actor, source, expected_version, fields, SOURCE_FIELDS)


ROUND_FIELDS = (
    "number", "starts_on", "starts_precision", "ends_on", "place", "host", "summary", "source", "no_source_reason",
)  # fmt: skip


def round_record(
    *, actor: Actor, agreement: Agreement, number: int, starts_on: datetime.date, **fields: object
) -> NegotiationRound:
    """Record a negotiation round (number unique per agreement; it cannot end before it starts)."""
    negotiation_round = NegotiationRound(agreement=agreement, number=number, starts_on=starts_on)
    _set_fields(negotiation_round, fields, allowed=ROUND_FIELDS)
    _check(actor, Action.CREATE, negotiation_round)
    return _create(actor, negotiation_round)


def round_update(
    *, actor: Actor, round: NegotiationRound, expected_version: str | None = None, **fields: object
) -> NegotiationRound:
    """Change a round; it stays with its agreement."""
    _stays_with_its_agreement(round, fields)
    return _update(actor, round, expected_version, fields, ROUND_FIELDS)


MILESTONE_FIELDS = (
    "kind", "title", "due_on", "due_precision", "status", "completed_on", "responsible_party", "owner", "note",
    "source", "no_source_reason",
)  # fmt: skip


def milestone_record(
    *, actor: Actor, agreement: Agreement, title: str, due_on: datetime.date, **fields: object
) -> Milestone:
    milestone = Milestone(agreement=agreement, title=title, due_on=due_on)
    _set_fields(milestone, fields, allowed=MILESTONE_FIELDS)
    _check(actor, Action.CREATE, milestone)
    return _create(actor, milestone)


def milestone_update(
    *, actor: Actor, milestone: Milestone, expected_version: str | None = None, **fields: object
) -> Milestone:
    """Change a milestone; it stays with its agreement."""
    _stays_with_its_agreement(milestone, fields)
    return _update(actor, milestone, expected_version, fields, MILESTONE_FIELDS)


def milestone_complete(
    *, actor: Actor, milestone: Milestone, completed_on: datetime.date, expected_version: str | None = None
) -> Milestone:
    return milestone_update(
        actor=actor,
        milestone=milestone,
        expected_version=expected_version,
        status=MilestoneStatus.DONE,
        completed_on=completed_on,
    )


def record_delete(
    *,
    actor: Actor,
    obj: Agreement | NegotiationRound | Milestone | Source | Citation,
    expected_version: str | None = None,
) -> None:
    """Delete an agreement, round, milestone or source. A source that is still cited cannot be deleted, and
    status events are never deleted (an administrator records a correction)."""
    if isinstance(obj, StatusEvent):
        raise ValidationError(_("Status events are never deleted; an administrator records a correction."))
    _check(actor, Action.DELETE, obj)
    log = ChangeLog(actor)
    with transaction.atomic():
        locked = locked_for_write(obj, expected_version)
        pk = locked.pk
        locked.delete()
        locked.pk = pk  # delete() clears it; the change row names the row that was deleted
        log.deleted(locked)
        log.save()


PARTICIPATION_FIELDS = (
    "signed_on", "approval_status", "approval_body", "approval_submitted_on", "approval_decided_on",
    "approval_decided_precision", "entry_into_force_on", "note", "source",
)  # fmt: skip


def participation_update(
    *, actor: Actor, participation: Participation, expected_version: str | None = None, **fields: object
) -> Participation:
    """Change one party's own steps; which states take part changes through the agreement's participations."""
    return _update(actor, participation, expected_version, fields, PARTICIPATION_FIELDS)


class SourceDetails(TypedDict):
    """What describes a source besides its address: source_record's other arguments."""

    title: str
    publisher: str
    published_on: NotRequired[datetime.date | None]
    language: NotRequired[str]


def source_find_or_record(*, actor: Actor, url: str = "", **fields: Unpack[SourceDetails]) -> Source:
    """The stored source with this address, or a new one: the same publication is cited, not duplicated."""
    if url:
        existing = Source.objects.filter(url=url).first()
        if existing is not None:
            return existing
    return source_record(actor=actor, url=url, **fields)


def agreements_enter_into_force(*, today: datetime.date) -> int:
    """Signed agreements whose scheduled entry into force has come move to in force, each with its event.

    Run by beat (negotiations.tasks.enter_into_force); safe to run twice or at once in two places, since
    agreement_transition locks the row and refuses the second move."""
    moved = 0
    for agreement in selectors.signed_and_due(today):
        effective_on = agreement.entry_into_force_scheduled_on
        assert effective_on is not None  # signed_and_due() selects agreements by this date
        try:
            agreement_transition(
                actor=None,
                agreement=agreement,
                status=Status.IN_FORCE,
                effective_on=effective_on,
                note="Entered into force on the date fixed by the exchange of notes (recorded automatically).",
            )
            moved += 1
        except lifecycle.TransitionRefused:
            pass  # another run moved it first, or the record changed meanwhile
    return moved


def citation_add(
    *, actor: Actor, fact: Fact, source: Source, role: CitationRole | str = CitationRole.STATES, quote: str = ""
) -> Citation:
    """Cite one more source for a fact: one that confirms it or one that contradicts it (another date, another
    status), with the sentence it rests on. Allowed to whoever may record the agreement's facts; status events,
    which nobody changes, take citations too (a new citation changes what is known of the event, not the event)."""
    citation = Citation(agreement_id=fact.agreement_id, source=source, role=role, quote=quote.strip())
    setattr(citation, FACT_NAMES[type(fact)], fact)
    citation.created_by = _recorder(actor)
    _check(actor, Action.CREATE, citation)
    if fact.source_id == source.pk:
        raise ValidationError({"source": _("This source is already the fact's own; cite another.")})
    return _create(actor, citation)


def agreement_confirm_current(
    *, actor: Actor, agreement: Agreement, source: Source | None, note: str = "", expected_version: str | None = None
) -> Agreement:
    """An official of a party (or an administrator) confirms that the record is still accurate as of today,
    citing the latest source: the agreement is no longer stale until another STALE_AFTER_DAYS pass. Logged
    as a change of `checked_on`, with the source and the note as its message."""
    _check(actor, Action.CHANGE, agreement)
    if source is None:
        raise ValidationError({"source": _("Cite the latest source that shows the record is still accurate.")})
    log = ChangeLog(actor)
    with transaction.atomic():
        locked = locked_for_write(agreement, expected_version)
        before = snapshot(locked)
        locked.checked_on, locked.checked_by, locked.checked_source = timezone.localdate(), _recorder(actor), source
        locked.save(update_fields=["checked_on", "checked_by", "checked_source", "updated_at"])
        log.changed(locked, before, message=note.strip(), source=source)  # nothing, if checked today already
        log.save()
    return locked


# The task, by name, that tells a reporter how their report was resolved (notifications).
REPORT_RESOLVED_TASK = "notifications.report_resolved"


def report_file(
    *, reporter: User | None, agreement: Agreement, fact: Fact | None = None, note: str, source_url: str = ""
) -> ErrorReport:
    """Someone says a fact (or the agreement) is wrong. Any signed-in user may; anonymous visitors (`reporter`
    None) only where ANONYMOUS_REPORTS allows it (the views throttle them). Officials of the parties see it."""
    if reporter is None and not (settings.ANONYMOUS_REPORTS and settings.PUBLIC_READ):
        raise PermissionDenied(_("Sign in to report an error."))
    if reporter is not None and not reporter.is_authenticated:
        raise PermissionDenied(_("Sign in to report an error."))
    report = ErrorReport(agreement=agreement, note=note.strip(), source_url=source_url.strip(), reporter=reporter)
    if fact is not None:
        if fact.agreement_id != agreement.pk:
            raise ValidationError({FACT_NAMES[type(fact)]: _("This entry belongs to another agreement.")})
        setattr(report, FACT_NAMES[type(fact)], fact)
    report.full_clean()
    report.save()
    return report


def _resolve(actor: Actor, report: ErrorReport, status: ReportStatus, resolution: str, **fields: object) -> ErrorReport:
    """Close an open report (locked, so two officials cannot resolve it twice) and nudge notifications."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say what was corrected, or why the report is dismissed.")})
    with transaction.atomic():
        locked = locked_for_write(report)
        if locked.status != ReportStatus.OPEN:
            raise ValidationError(
                {"status": _("This report is already resolved (%(status)s).") % {"status": locked.get_status_display()}}
            )
        locked.status, locked.resolution = status, resolution.strip()
        locked.resolved_by, locked.resolved_at = _recorder(actor), timezone.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        queue_after_commit(REPORT_RESOLVED_TASK, locked.pk, or_run_here=True)
    return locked


def report_dismiss(*, actor: Actor, report: ErrorReport, reason: str) -> ErrorReport:
    """The fact stands: say why (the reporter is told)."""
    _check(actor, Action.CHANGE, report)
    return _resolve(actor, report, ReportStatus.DISMISSED, reason)


def report_mark_corrected(*, actor: Actor, report: ErrorReport, resolution: str) -> ErrorReport:
    """The fact was put right (a round, milestone or party's steps edited; the change log holds the edit)."""
    _check(actor, Action.CHANGE, report)
    if report.event_id is not None:
        raise ValidationError({"resolution": _("A status change is put right by a correction: record one.")})
    return _resolve(actor, report, ReportStatus.CORRECTED, resolution)


def report_correct_event(*, actor: Actor, report: ErrorReport, resolution: str, **correction: Any) -> StatusEvent:
    """Resolve a report on a status change with the correction service: a new entry replaces the reported one
    (or retracts it, with an empty status), its reason citing the report; the report is closed with it."""
    _check(actor, Action.CHANGE, report)
    if report.event is None:
        raise ValidationError({"corrects": _("This report is not about a status change.")})
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say what was corrected, or why the report is dismissed.")})
    with transaction.atomic():
        event = agreement_transition(
            actor=actor,
            agreement=report.agreement,
            corrects=report.event,
            correction_reason=_("Report #%(number)s: %(resolution)s")
            % {"number": report.pk, "resolution": resolution.strip()},
            report=report,
            **correction,
        )
        _resolve(actor, report, ReportStatus.CORRECTED, resolution, correction=event)
    return event
