"""Each sheet of the format: its rows matched to the stored record and written through the services."""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from negotiations import selectors, services
from negotiations.choices import ApprovalStatus, CitationRole, MilestoneKind, MilestoneStatus
from negotiations.models import (
    Agreement,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from parties.models import Grouping, State
from parties.services import grouping_upsert

from .. import format as fmt
from ..format import FactKind, Sheet
from ..reading import Row
from .engine import Engine
from .report import CHANGED, CREATED, UNCHANGED, FieldChange, RowResult
from .values import Values, shown

M = TypeVar("M", bound=models.Model)


class Import(Engine):
    """Each sheet's rows matched to the stored record by their keys, and created, changed or left."""

    # --- the sheets ------------------------------------------------------------------------------------------

    def _agreement_types(self, row: Row) -> None:
        sheet = fmt.AGREEMENT_TYPES
        result, values = self._begin(sheet, row)
        if not result.problems and self._once(result, sheet, (values["code"],), "code"):
            stored = self.types.get(values["code"])
            wanted = {
                "name": values["name"],
                "description": values.get("description", ""),
                "family": values.get("family", ""),
            }
            changed = self._diff(result, stored, wanted) if stored is not None else wanted
            if changed:
                written = self._write(
                    result,
                    sheet,
                    lambda: services.agreement_type_upsert(actor=self.actor, code=values["code"], **wanted),
                )
                if written is not None:
                    self.types[values["code"]] = written[0]
                    result.outcome = CREATED if stored is None else CHANGED
        self._finish(result)

    def _groupings(self, row: Row) -> None:
        sheet = fmt.GROUPINGS
        result, values = self._begin(sheet, row)
        code = values.get("code")
        if not result.problems and self._once(result, sheet, (code,), "code"):
            members = sorted(state.alpha3 for state in values["members"])
            stored = Grouping.objects.filter(code=code).first()
            if stored is None:
                result.outcome = CREATED
            else:
                have = sorted(stored.members.values_list("alpha3", flat=True))
                self._diff(result, stored, {"name": values["name"]})
                if have != members:
                    result.changes.append(FieldChange("members", " ".join(have), " ".join(members)))
                result.outcome = CHANGED if result.changes else UNCHANGED
            if result.outcome != UNCHANGED:
                if self.actor is not None and not policy.can(self.actor, Action.CHANGE, stored or Grouping):
                    self._problem(result, "code", "not-permitted", _("only administrators change groupings of states"))
                else:
                    self._write(
                        result,
                        sheet,
                        lambda: grouping_upsert(code=str(code), name=values["name"], member_codes=members),
                    )
        self._finish(result)

    def _sources(self, row: Row) -> None:
        sheet = fmt.SOURCES
        result, values = self._begin(sheet, row)
        key = values.get("key")
        if not result.problems and self._once(result, sheet, (key,), "key"):
            wanted: dict[str, Any] = {
                "title": values["title"],
                "publisher": values["publisher"],
                "url": values.get("url", ""),
                "published_on": values.get("published_on"),
                "published_precision": values.precision("published_on"),
                "language": values.get("language", "en"),
            }
            lookup = {"url": wanted["url"]} if wanted["url"] else {
                "publisher": wanted["publisher"], "title": wanted["title"], "published_on": wanted["published_on"],
            }  # fmt: skip
            stored = Source.objects.filter(**lookup).order_by("pk").first()
            if stored is None:
                # The same publication stored before its address (or date) was known: the file adds them to it.
                unaddressed = Source.objects.filter(url="", publisher=wanted["publisher"], title=wanted["title"])
                stored = next((s for s in unaddressed.order_by("pk") if s.pk not in self.source_ids), None)
            if stored is None:
                source = self._write(result, sheet, lambda: services.source_record(actor=self.actor, **wanted))
                result.outcome = CREATED
            else:
                changed = self._diff(result, stored, wanted)
                source = stored
                if changed:
                    source = self._write(
                        result, sheet, lambda: services.source_update(actor=self.actor, source=stored, **changed)
                    )
                    result.outcome = CHANGED
            if source is not None:
                self.sources[str(key)] = source
                self.source_ids.add(source.pk)
        if result.problems and key and str(key) not in self.sources:
            self.refused_sources.add(str(key))
        self._finish(result)

    def _agreements(self, row: Row) -> None:
        sheet = fmt.AGREEMENTS
        result, values = self._begin(sheet, row)
        type_code = values.get("type")
        if type_code and type_code not in self.types:
            self._problem(
                result,
                "type",
                "unknown-type",
                _("unknown agreement type %(code)r (stored: %(codes)s; or add it on the agreement_types sheet)")
                % {"code": type_code, "codes": ", ".join(sorted(self.types))},
            )
        slug = values.get("slug")
        if not result.problems and self._once(result, sheet, (slug,), "slug"):
            wanted: dict[str, Any] = {
                "title": values["title"],
                "type": self.types[str(type_code)],
                "summary": values.get("summary", ""),
                "target_conclusion_on": values.get("target_conclusion_on"),
                "entry_into_force_scheduled_on": values.get("entry_into_force_scheduled_on"),
            }
            parties: list[State] = values["parties"]
            stored = Agreement.objects.filter(slug=slug).first()
            if stored is None:
                self._write(
                    result,
                    sheet,
                    lambda: services.agreement_create(actor=self.actor, slug=str(slug), parties=parties, **wanted),
                )
                result.outcome = CREATED
            elif not self._may_write(stored):
                self._problem(
                    result,
                    "slug",
                    "not-permitted",
                    _("you may not change %(title)s: none of your states is party to it") % {"title": stored.title},
                )
            else:
                changed = self._diff(result, stored, wanted)
                have = {p.state_id: p for p in stored.participations.select_related("state")}
                added = [state for state in parties if state.pk not in have]
                if added:
                    result.changes.append(
                        FieldChange(
                            "parties",
                            " ".join(sorted(p.state.alpha3 for p in have.values())),
                            " ".join(sorted([*(p.state.alpha3 for p in have.values()), *(s.alpha3 for s in added)])),
                        )
                    )
                if changed or added:
                    # Parties are added, never removed: a party the file leaves out stays, with its own steps.
                    kept = [_participation_values(p) for p in have.values()]
                    participations: list[dict[str, Any]] | None = None
                    if added:
                        participations = [*kept, *({"state": state} for state in added)]
                    self._write(
                        result,
                        sheet,
                        lambda: services.agreement_update(
                            actor=self.actor, agreement=stored, participations=participations, **changed
                        ),
                    )
                    result.outcome = CHANGED
            self._forget(str(slug))
        self._finish(result)

    def _parties(self, row: Row) -> None:
        sheet = fmt.PARTIES
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        state: State | None = values.get("state")
        if (
            agreement is not None
            and state is not None
            and not result.problems
            and self._once(result, sheet, (agreement.pk, state.pk), "state")
        ):
            stored = agreement.participations.filter(state=state).first()
            if stored is None:
                parties = " ".join(sorted(agreement.participations.values_list("state__alpha3", flat=True)))
                self._problem(
                    result,
                    "state",
                    "not-a-party",
                    _("%(state)s is not a party to %(slug)s (its parties: %(parties)s); add it on the agreements sheet")
                    % {"state": state.alpha3, "slug": agreement.slug, "parties": parties},
                )
            else:
                wanted: dict[str, Any] = {
                    "signed_on": values.get("signed_on"),
                    "approval_body": values.get("approval_body", ""),
                    "approval_status": values.get("approval_status", ApprovalStatus.PENDING),
                    "approval_submitted_on": values.get("approval_submitted_on"),
                    "approval_decided_on": values.get("approval_decided_on"),
                    "approval_decided_precision": values.precision("approval_decided_on"),
                    "entry_into_force_on": values.get("entry_into_force_on"),
                    "note": values.get("note", ""),
                    "source": values.get("source"),
                }
                changed = self._diff(result, stored, wanted)
                if changed:
                    self._write(
                        result,
                        sheet,
                        lambda: services.participation_update(actor=self.actor, participation=stored, **changed),
                    )
                    result.outcome = CHANGED
        self._finish(result)

    def _events(self, group: list[Row]) -> None:
        """One agreement's run of status changes (consecutive rows, in date order): the stored ones matched by
        status and date (one query), the new ones recorded together (services.agreement_history_record)."""
        sheet = fmt.EVENTS
        begun = [self._begin(sheet, row) for row in group]
        agreement: Agreement | None = None
        ready = []
        for result, values in begun:
            if not result.problems:
                agreement = self._agreement(result, values.get("agreement"))  # the same for the run (cached)
                if agreement is not None:
                    ready.append((result, values))
        if agreement is not None and ready:
            self._events_of(agreement, ready)
        for result, _values in begun:
            self._finish(result)

    def _events_of(self, agreement: Agreement, rows: list[tuple[RowResult, "Values"]]) -> None:
        sheet = fmt.EVENTS
        stored = {(e.status, e.effective_on): e for e in selectors.counting_events().filter(agreement=agreement)}
        seen: set[tuple[str, datetime.date]] = set()
        new: list[tuple[RowResult, dict[str, Any]]] = []
        for result, values in rows:
            key = (values["status"], values["effective_on"])
            wanted: dict[str, Any] = {
                "date_precision": values.precision("effective_on"),
                "place": values.get("place", ""),
                "note": values.get("note", ""),
                "source": values.get("source"),
            }
            match = stored.get(key)
            # A key seen before in this run, or matching an event this import wrote (an earlier run of the same
            # agreement's rows), is a second row for one status change.
            if key in seen or (match is not None and (match.pk > self.first_new_event or match.pk in self.matched)):
                self._problem(
                    result,
                    "effective_on",
                    "duplicate-key",
                    _("a second row with the key %(key)s") % {"key": result.key},
                )
                continue
            seen.add(key)
            if match is not None:
                self.matched.add(match.pk)
            if match is None:
                new.append(
                    (
                        result,
                        {
                            "status": key[0],
                            "effective_on": key[1],
                            "no_source_reason": values.get("no_source_reason", ""),
                            **wanted,
                        },
                    )
                )
            elif not self._cited_instead(result, sheet, match, wanted) and self._diff(result, match, wanted):
                names = ", ".join(change.field for change in result.changes)
                self._problem(
                    result,
                    result.changes[0].field if result.changes[0].field in sheet.names else "note",
                    "event-immutable",
                    _(
                        "this status change is stored with other values (%(names)s); "
                        "a status change is never edited: an administrator corrects it"
                    )
                    % {"names": names},
                )
                result.changes = []
        if not new:
            return
        recorded = self._write(
            new[0][0],
            sheet,
            lambda: services.agreement_history_record(
                actor=self.actor, agreement=agreement, steps=[step for _result, step in new]
            ),
        )
        if recorded is None:  # refused as a whole (the first row holds why): none of its rows is written
            for result, _step in new[1:]:
                self._problem(
                    result,
                    "status",
                    "not-written",
                    _("not written: this agreement's status changes were refused with row %(row)s")
                    % {"row": new[0][0].row},
                )
        for (result, _step), outcome in zip(new, recorded or [], strict=False):
            if isinstance(outcome, ValidationError):
                self._refused_by(result, sheet, outcome)
            else:
                result.outcome = CREATED
        self._forget(agreement.slug)

    def _cited_instead(self, result: RowResult, sheet: Sheet, stored: StatusEvent, wanted: dict[str, object]) -> bool:
        """A stored status change is never edited, but its evidence may grow: a row that differs from it only
        by its source cites that source for it (once), as a further citation."""
        source = wanted["source"]
        others = {name: value for name, value in wanted.items() if name != "source"}
        if source is None or getattr(source, "pk", None) == stored.source_id or self._diff(result, stored, others):
            return False
        assert isinstance(source, Source)
        if stored.citations.filter(source=source).exists():
            return True
        if self._write(result, sheet, lambda: services.citation_add(actor=self.actor, fact=stored, source=source)):
            result.outcome = CHANGED
            result.changes = [FieldChange("citations", "", shown(source))]
        return True

    def _rounds(self, row: Row) -> None:
        sheet = fmt.ROUNDS
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        if (
            agreement is not None
            and not result.problems
            and self._once(result, sheet, (agreement.pk, values["number"]), "number")
        ):
            wanted: dict[str, Any] = {
                "starts_on": values["starts_on"],
                "starts_precision": values.precision("starts_on"),
                "ends_on": values.get("ends_on"),
                "place": values.get("place", ""),
                "host": values.get("host"),
                "summary": values.get("summary", ""),
                "source": values.get("source"),
                "no_source_reason": values.get("no_source_reason", ""),
            }
            stored = agreement.rounds.filter(number=values["number"]).first()
            self._upsert(
                result,
                sheet,
                stored,
                wanted,
                create=lambda: services.round_record(
                    actor=self.actor, agreement=agreement, number=values["number"], **wanted
                ),
                update=lambda changed: services.round_update(actor=self.actor, round=_stored(stored), **changed),
            )
        self._finish(result)

    def _milestones(self, row: Row) -> None:
        sheet = fmt.MILESTONES
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        if agreement is not None and not result.problems:
            title, due_on = values["title"], values["due_on"]
            if self._once(result, sheet, (agreement.pk, title, due_on), "title"):
                status = values.get("status", MilestoneStatus.PLANNED)
                wanted: dict[str, Any] = {
                    "due_precision": values.precision("due_on"),
                    "kind": values.get("kind", MilestoneKind.OTHER),
                    "status": status,
                    "completed_on": values.get("completed_on"),
                    "responsible_party": values.get("responsible_party"),
                    "note": values.get("note", ""),
                    "source": values.get("source"),
                    "no_source_reason": values.get("no_source_reason", ""),
                }
                stored = agreement.milestones.filter(title=title, due_on=due_on).order_by("pk").first()
                self._upsert(
                    result,
                    sheet,
                    stored,
                    wanted,
                    create=lambda: services.milestone_record(
                        actor=self.actor, agreement=agreement, title=title, due_on=due_on, **wanted
                    ),
                    update=lambda changed: services.milestone_update(
                        actor=self.actor, milestone=_stored(stored), **changed
                    ),
                )
        self._finish(result)

    def _upsert(
        self,
        result: RowResult,
        sheet: Sheet,
        stored: models.Model | None,
        wanted: dict[str, Any],
        create: Callable[[], Any],
        update: Callable[[dict[str, Any]], Any],
    ) -> None:
        if stored is None:
            if self._write(result, sheet, create) is not None:
                result.outcome = CREATED
            return
        changed = self._diff(result, stored, wanted)
        if changed and self._write(result, sheet, lambda: update(changed)) is not None:
            result.outcome = CHANGED

    def _citations(self, row: Row) -> None:
        sheet = fmt.CITATIONS
        result, values = self._begin(sheet, row)
        agreement = self._agreement(result, values.get("agreement"))
        if agreement is not None and not result.problems:
            fact = self._fact(result, agreement, values)
            source: Source = values["source"]
            if fact is not None and self._once(result, sheet, (type(fact).__name__, fact.pk, source.pk), "source"):
                wanted = {"role": values.get("role", CitationRole.STATES), "quote": values.get("quote", "")}
                stored = fact.citations.filter(source=source).first()
                if stored is None:
                    written = self._write(
                        result,
                        sheet,
                        lambda: services.citation_add(actor=self.actor, fact=fact, source=source, **wanted),
                    )
                    if written is not None:
                        result.outcome = CREATED
                elif self._diff(result, stored, wanted):
                    self._problem(
                        result,
                        "role",
                        "invalid",
                        _(
                            "this source is already cited for the fact with another role or quote; "
                            "remove that citation first"
                        ),
                    )
                    result.changes = []
        self._finish(result)

    def _fact(self, result: RowResult, agreement: Agreement, values: Values) -> Any:
        """The fact a citation row names, by that fact's key columns."""
        kind = values["fact"]
        needs = {
            FactKind.EVENT: ("status", "date"),
            FactKind.ROUND: ("number",),
            FactKind.MILESTONE: ("title", "date"),
            FactKind.PARTY: ("state",),
        }[kind]
        missing = [name for name in needs if values.get(name) in (None, "")]
        for name in missing:
            self._problem(
                result,
                name,
                "required",
                _("a citation of a %(kind)s names its %(columns)s") % {"kind": kind, "columns": " and ".join(needs)},
            )
        if missing:
            return None
        found: models.Model | None
        if kind == FactKind.EVENT:
            found = (
                selectors.counting_events()
                .filter(agreement=agreement, status=values["status"], effective_on=values["date"])
                .first()
            )
        elif kind == FactKind.ROUND:
            found = NegotiationRound.objects.filter(agreement=agreement, number=values["number"]).first()
        elif kind == FactKind.MILESTONE:
            found = Milestone.objects.filter(agreement=agreement, title=values["title"], due_on=values["date"]).first()
        else:
            found = Participation.objects.filter(agreement=agreement, state=values["state"]).first()
        if found is None:
            self._problem(
                result,
                "fact",
                "unknown-fact",
                _("%(slug)s has no such %(kind)s (%(key)s)")
                % {"slug": agreement.slug, "kind": kind, "key": " ".join(shown(values[name]) for name in needs)},
            )
        return found


def _stored(obj: M | None) -> M:
    """The stored row an update is for (the caller updates only what it found)."""
    assert obj is not None
    return obj


def _participation_values(participation: Participation) -> dict[str, Any]:
    return {
        "state": participation.state,
        **{name: getattr(participation, name) for name in services.PARTICIPATION_FIELDS},
    }
