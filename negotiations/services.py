"""Every write with business meaning in the negotiation domain.

`actor` is the user on whose behalf the write is made; the policy module
decides whether they may. `actor=None` means the application itself (seed,
workers) and skips the policy check, so views must always pass request.user.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from parties.models import State
from raa_tracker.celery import queue_after_commit

from . import lifecycle, selectors
from .choices import DatePrecision, MilestoneStatus, Status
from .models import Agreement, AgreementType, Milestone, NegotiationRound, Participation, Source, StatusEvent

# The task, by name, that acts on a new status event (notifications announces it to the watchers).
STATUS_EVENT_TASK = "notifications.status_event"


def _check(actor: object, action: Action, obj: object) -> None:
    if actor is not None:
        policy.require(actor, action, obj)


def _save(actor: object, action: Action, obj: Model) -> Model:
    """The common end of a single-row write: the policy, the model's own rules, then the row."""
    _check(actor, action, obj)
    obj.full_clean()
    obj.save()
    return obj


def _recorder(actor: object) -> object:
    return actor if actor is not None and actor.is_authenticated else None


def agreement_create(
    *,
    actor: object,
    title: str,
    slug: str,
    type: AgreementType,
    parties: Iterable[State],
    summary: str = "",
    target_conclusion_on: datetime.date | None = None,
    entry_into_force_scheduled_on: datetime.date | None = None,
) -> Agreement:
    """Create an agreement with its parties (at least two; an official's own state among them)."""
    parties = list(dict.fromkeys(parties))
    _check(actor, Action.CREATE, Agreement)
    if actor is not None:
        policy.require_party_among(actor, [state.alpha3 for state in parties])
    if len(parties) < 2:
        raise ValidationError({"parties": _("An agreement needs at least two parties.")})
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
    with transaction.atomic():
        agreement.save()
        Participation.objects.bulk_create(Participation(agreement=agreement, state=state) for state in parties)
    return agreement


def agreement_update(*, actor: object, agreement: Agreement, **fields: object) -> Agreement:
    """Change an agreement's descriptive fields; its status changes only through agreement_transition."""
    _check(actor, Action.CHANGE, agreement)
    forbidden = {"status", "status_since"} & fields.keys()
    if forbidden:
        raise ValidationError({name: _("Change the status by recording a status change.") for name in forbidden})
    for name, value in fields.items():
        setattr(agreement, name, value)
    return _save(actor, Action.CHANGE, agreement)


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
    actor: object,
    agreement: Agreement,
    status: Status | str,
    effective_on: datetime.date,
    date_precision: DatePrecision | str = DatePrecision.DAY,
    place: str = "",
    note: str = "",
    source: Source | None = None,
    corrects: StatusEvent | None = None,
    correction_reason: str = "",
) -> StatusEvent:
    """Record a change of status and recompute the agreement's current status, in one transaction.

    The lifecycle of DOMAIN.md decides; a refused move raises TransitionRefused
    (a ValidationError naming the current status and the allowed next ones)
    and writes nothing. With `corrects`, an administrator replaces a wrong
    entry (or retracts it, with an empty status); the wrong entry stays in the
    history. The agreement row is locked, so two concurrent changes are checked
    one after the other.
    """
    _check(actor, Action.CORRECT if corrects is not None else Action.TRANSITION, agreement)
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        event = StatusEvent(
            agreement=locked,
            status=status or "",
            effective_on=effective_on,
            date_precision=date_precision,
            place=place,
            note=note,
            source=source,
            recorded_by=_recorder(actor),
            corrects=corrects,
            correction_reason=correction_reason,
        )
        _validate_event(event)
        position, since, started = _plan(locked, event, corrects)
        event.save()
        locked.status = position.status
        locked.status_since = since
        locked.started_on = started
        locked.save(update_fields=["status", "status_since", "started_on", "updated_at"])
        # The event row is the outbox: whatever the change causes elsewhere (notices to watchers) is done by
        # the app that claims the event, nudged here once the change is committed, or found by its sweep.
        queue_after_commit(STATUS_EVENT_TASK, event.pk)
    agreement.status, agreement.status_since, agreement.started_on, agreement.updated_at = (
        locked.status,
        locked.status_since,
        locked.started_on,
        locked.updated_at,
    )
    return event


def _validate_event(event: StatusEvent) -> None:
    errors: dict[str, list[str]] = {}
    try:
        event.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if isinstance(event.effective_on, datetime.date) and event.effective_on > timezone.localdate():
        errors.setdefault("effective_on", []).append(
            _("A status change cannot take effect in the future; record a milestone for what is planned.")
        )
    if event.corrects_id is not None:
        if event.corrects.agreement_id != event.agreement_id:
            errors.setdefault("corrects", []).append(_("The corrected entry belongs to another agreement."))
        if not event.correction_reason.strip():
            errors.setdefault("correction_reason", []).append(_("Say why the entry is corrected."))
    elif not event.status:
        errors.setdefault("status", []).append(_("Choose the new status."))
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
    actor: object,
    title: str,
    publisher: str,
    url: str = "",
    published_on: datetime.date | None = None,
    language: str = "en",
) -> Source:
    source = Source(
        title=title,
        publisher=publisher,
        url=url,
        published_on=published_on,
        language=language,
        created_by=_recorder(actor),
    )
    return _save(actor, Action.CREATE, source)


def round_record(
    *, actor: object, agreement: Agreement, number: int, starts_on: datetime.date, **fields: object
) -> NegotiationRound:
    """Record a negotiation round (number unique per agreement; it cannot end before it starts)."""
    negotiation_round = NegotiationRound(agreement=agreement, number=number, starts_on=starts_on, **fields)
    return _save(actor, Action.CREATE, negotiation_round)


def milestone_record(
    *, actor: object, agreement: Agreement, title: str, due_on: datetime.date, **fields: object
) -> Milestone:
    return _save(actor, Action.CREATE, Milestone(agreement=agreement, title=title, due_on=due_on, **fields))


def milestone_complete(*, actor: object, milestone: Milestone, completed_on: datetime.date) -> Milestone:
    milestone.status = MilestoneStatus.DONE
    milestone.completed_on = completed_on
    return _save(actor, Action.CHANGE, milestone)


def record_update(*, actor: object, obj: Model, **fields: object) -> Model:
    """Change a round, milestone, source or participation: allowed before and after the change."""
    _check(actor, Action.CHANGE, obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    return _save(actor, Action.CHANGE, obj)


def record_delete(*, actor: object, obj: Model) -> None:
    """Delete a round, milestone, source or agreement. A source that is still cited cannot be deleted."""
    if isinstance(obj, StatusEvent):
        raise ValidationError(_("Status events are never deleted; an administrator records a correction."))
    _check(actor, Action.DELETE, obj)
    obj.delete()


def agreement_set_participations(
    *, actor: object, agreement: Agreement, participations: list[dict[str, object]]
) -> list[Participation]:
    """Make the agreement's parties exactly these (each a dict with `state` and its own steps).

    At least two parties, each once; an official must keep one of their own states among them.
    """
    states = [item["state"] for item in participations]
    if len(states) < 2:
        raise ValidationError({"participations": [_("An agreement needs at least two parties.")]})
    if len({state.pk for state in states}) != len(states):
        raise ValidationError({"participations": [_("Each state may appear only once.")]})
    _check(actor, Action.CHANGE, agreement)
    if actor is not None:
        policy.require_party_among(actor, [state.alpha3 for state in states])
    with transaction.atomic():
        existing = {p.state_id: p for p in agreement.participations.all()}
        kept = []
        for item in participations:
            state = item["state"]
            row = existing.get(state.pk) or Participation(agreement=agreement, state=state)
            for name, value in item.items():
                setattr(row, name, value)
            try:
                row.full_clean()
            except ValidationError as error:
                messages = [f"{state.alpha3} {field}: {m}" for field, ms in error.message_dict.items() for m in ms]
                raise ValidationError({"participations": messages}) from None
            row.save()
            kept.append(row)
        agreement.participations.exclude(state__in=states).delete()
        agreement.save(update_fields=["updated_at"])
    return kept


def source_find_or_record(*, actor: object, url: str = "", **fields: object) -> Source:
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
        try:
            agreement_transition(
                actor=None,
                agreement=agreement,
                status=Status.IN_FORCE,
                effective_on=agreement.entry_into_force_scheduled_on,
                note="Entered into force on the date fixed by the exchange of notes (recorded automatically).",
            )
            moved += 1
        except lifecycle.TransitionRefused:
            pass  # another run moved it first, or the record changed meanwhile
    return moved
