"""The change rows of a write: what the services hand to the change log (models.Change), and how.

A service snapshots a row before it changes it, changes it, and tells its ChangeLog what it created, changed
or deleted; `save()` writes every row of the write in one INSERT, inside the write's transaction, so a write
that fails leaves no row and one that succeeds always leaves its rows. Snapshots read only the row's own
columns (a relation by its id), so logging adds no query besides that INSERT.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _

from parties.models import State
from raa_tracker import provenance

from .choices import ChangeAction, ChangedObject
from .models import (
    FACT_MODELS,
    Agreement,
    AgreementType,
    Change,
    Citation,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)

Snapshot = dict[str, Any]

# The facts (models.FACT_MODELS) by their own names, and the rows around them.
KINDS: dict[type[Model], ChangedObject] = {
    Agreement: ChangedObject.AGREEMENT,
    **{model: ChangedObject(name) for name, model in FACT_MODELS.items()},
    Source: ChangedObject.SOURCE,
    Citation: ChangedObject.CITATION,
}

# Columns that are not the fact itself: the row's bookkeeping, who recorded it (the change row says so), and
# an agreement's status, which is derived from its events (each logged as a change of its own).
NOT_LOGGED = frozenset(
    {
        "id", "created_at", "updated_at", "processed_at", "recorded_at", "recorded_by", "created_by",
        "checked_by", "status_since", "started_on",
    }
)  # fmt: skip


def _logged_fields(model: type[Model]) -> list[Any]:
    fields = [f for f in model._meta.concrete_fields if f.name not in NOT_LOGGED]
    if model is Agreement:
        fields = [f for f in fields if f.name != "status"]
    return fields


def _json(value: object) -> object:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def snapshot(obj: Model) -> Snapshot:
    """The row's logged fields as JSON values: a relation by the related row's id, dates in ISO 8601."""
    return {field.name: _json(field.value_from_object(obj)) for field in _logged_fields(type(obj))}


def _label(obj: Model) -> str:
    """A short name for the object, from its own columns (the page adds the agreement's title)."""
    if isinstance(obj, Participation):
        return obj.state.alpha3  # the services load the state with the row (the admin's inline: one query)
    if isinstance(obj, StatusEvent):
        return f"{obj.status or 'retraction'} {_json(obj.effective_on)}"
    if isinstance(obj, NegotiationRound):
        return f"round {obj.number}"
    if isinstance(obj, Milestone | Agreement):
        return obj.title[:300]
    if isinstance(obj, Citation):
        return f"{obj.role}: {obj.source.publisher}: {obj.source.title}"[:300]
    return str(obj)[:300]


def _agreement_id(obj: Model) -> int | None:
    if isinstance(obj, Agreement):
        return obj.pk
    return getattr(obj, "agreement_id", None)


def _source_id(obj: Model) -> int | None:
    return getattr(obj, "source_id", None)


def _filled(values: Snapshot) -> Snapshot:
    return {name: value for name, value in values.items() if value not in ("", None)}


class ChangeLog:
    """The change rows of one write by `actor` (None: the application), saved together at its end."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.rows: list[Change] = []

    def _add(self, obj: Model, action: ChangeAction, before: Snapshot, after: Snapshot, **extra: Any) -> None:
        context = provenance.current()
        extra.setdefault("source_id", _source_id(obj))
        if not extra.get("message"):
            extra["message"] = context.note  # an import's file and digest, when the write says nothing itself
        self.rows.append(
            Change(
                action=action,
                object_type=KINDS[type(obj)],
                object_id=obj.pk,
                object_repr=_label(obj),
                agreement_id=_agreement_id(obj),
                user=self.actor,
                user_name=self.actor.get_username() if self.actor is not None else "",
                token_name=context.token_name if self.actor is not None else "",
                system="" if self.actor is not None else (context.system or ""),
                channel=context.channel,
                request_id=context.request_id,
                before=before,
                after=after,
                **extra,
            )
        )

    def created(self, obj: Model, *, message: str = "") -> None:
        self._add(obj, ChangeAction.CREATE, {}, _filled(snapshot(obj)), message=message)

    def changed(self, obj: Model, before: Snapshot, *, message: str = "", source: Source | None = None) -> bool:
        """Log what differs between `before` (a snapshot taken before the change) and the row now; a write
        that changed nothing is no change and leaves no row. Returns whether there was a change."""
        after = snapshot(obj)
        names = [name for name in after if after[name] != before.get(name)]
        if not names:
            return False
        self._add(
            obj,
            ChangeAction.CHANGE,
            {name: before.get(name) for name in names},
            {name: after[name] for name in names},
            message=message,
            **({"source_id": source.pk} if source is not None else {}),
        )
        return True

    def deleted(self, obj: Model, *, message: str = "") -> None:
        self._add(obj, ChangeAction.DELETE, _filled(snapshot(obj)), {}, message=message)

    def save(self) -> list[Change]:
        """Write the rows in one INSERT; call it inside the write's transaction, after the write."""
        if self.rows:
            Change.objects.bulk_create(self.rows)
        rows, self.rows = self.rows, []
        return rows


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ChangeView:
    """A change row as the pages and feeds show it: each field by its label, values in words."""

    change: Change
    fields: list[FieldChange]


# Shown elsewhere on the row: the agreement an object belongs to.
NOT_SHOWN = frozenset({"agreement"})


def _model_of(kind: str) -> type[Model]:
    return next(model for model, k in KINDS.items() if k == kind)


def present(changes: Iterable[Change]) -> list[ChangeView]:
    """The rows with their fields labelled and related rows named: one query per kind of related row shown
    (states, sources, types, users, events), however many rows."""
    changes = list(changes)
    # The sources the rows cite came with them (selectors.changes joins them); other related rows are read here.
    names: dict[type[Model], dict[object, str]] = {
        Source: {c.source.pk: _related_label(c.source) for c in changes if c.source is not None}
    }
    wanted: dict[type[Model], set[object]] = {}
    for change in changes:
        for name, value in (change.before | change.after).items():
            field = _field(change.object_type, name)
            related = field is not None and field.is_relation and value is not None and name not in NOT_SHOWN
            if related and value not in names.get(field.related_model, {}):
                wanted.setdefault(field.related_model, set()).add(value)
    for model, ids in wanted.items():
        rows = model._default_manager.filter(pk__in=ids)
        if model is Participation:
            rows = rows.select_related("state")
        found = {obj.pk: _related_label(obj) for obj in rows}
        names[model] = names.get(model, {}) | found
    views = []
    for change in changes:
        fields = []
        shown = [n for n in _order(change.object_type) if n not in NOT_SHOWN]
        for name in [n for n in shown if n in change.before or n in change.after]:
            field = _field(change.object_type, name)
            label = str(field.verbose_name) if field is not None else name
            fields.append(
                FieldChange(
                    label,
                    _shown(field, change.before.get(name), names),
                    _shown(field, change.after.get(name), names),
                )
            )
        views.append(ChangeView(change, fields))
    return views


def _order(kind: str) -> list[str]:
    return [field.name for field in _logged_fields(_model_of(kind))]


def _field(kind: str, name: str) -> Any:
    try:
        return _model_of(kind)._meta.get_field(name)
    except (StopIteration, FieldDoesNotExist):
        return None


def _related_label(obj: Model) -> str:
    if isinstance(obj, State):
        return obj.short_name
    if isinstance(obj, User):
        return obj.get_username()
    if isinstance(obj, AgreementType):
        return obj.code
    if type(obj) in KINDS:
        return _label(obj)  # from the row's own columns: no query per row
    return str(obj)


def _shown(field: Any, value: object, names: dict[type[Model], dict[object, str]]) -> str:
    if value in (None, ""):
        return ""
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get(field.related_model, {}).get(value) or f"#{value} ({_('deleted')})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
