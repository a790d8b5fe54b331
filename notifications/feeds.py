"""Calendar feeds (RFC 5545) and Atom feeds of status changes."""

import datetime
from collections.abc import Callable

import icalendar
from django.contrib.auth.models import User
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from negotiations import changelog, selectors
from negotiations.changelog import ChangeView
from negotiations.choices import MilestoneStatus
from negotiations.models import Agreement, Milestone, NegotiationRound, Participation, StatusEvent
from parties.models import State
from record_cache.cache import cached

from .delivery import site_url
from .models import Watch

UID_DOMAIN = "raa-tracker"


def _entry(
    uid: str,
    stamp: datetime.datetime,
    modified: datetime.datetime,
    first: datetime.date,
    last: datetime.date,
    summary: str,
    url: str,
) -> icalendar.Event:
    """An all-day VEVENT; a stable UID lets calendar applications update it instead of adding it again."""
    entry = icalendar.Event()
    entry.add("uid", f"{uid}@{UID_DOMAIN}")
    entry.add("dtstamp", stamp)
    entry.add("last-modified", modified)
    entry.add("dtstart", first)
    entry.add("dtend", last + datetime.timedelta(days=1))
    entry.add("summary", summary)
    entry.add("url", site_url(url))
    return entry


def _ics(name: str, milestones: QuerySet[Milestone], rounds: QuerySet[NegotiationRound]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//RAA Tracker//raa_tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for milestone in milestones.select_related("agreement"):
        agreement = milestone.agreement
        entry = _entry(
            f"milestone-{milestone.pk}",
            stamp,
            milestone.updated_at,
            milestone.due_on,
            milestone.due_on,
            f"{agreement.title}: {milestone.title}",
            agreement.get_absolute_url() + "#milestones",
        )
        entry.add("description", f"{milestone.get_kind_display()} — {milestone.get_status_display()}")
        entry.add("status", "CANCELLED" if milestone.status == MilestoneStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(entry)
    for negotiation_round in rounds.select_related("agreement"):
        agreement = negotiation_round.agreement
        entry = _entry(
            f"round-{negotiation_round.pk}",
            stamp,
            negotiation_round.updated_at,
            negotiation_round.starts_on,
            negotiation_round.ends_on or negotiation_round.starts_on,
            _("%(agreement)s: round %(number)s") % {"agreement": agreement.title, "number": negotiation_round.number},
            agreement.get_absolute_url() + "#rounds",
        )
        if negotiation_round.place:
            entry.add("location", negotiation_round.place)
        calendar.add_component(entry)
    return calendar.to_ical()


def _calendar(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


def _public_calendar(request: HttpRequest, build: Callable[[], bytes]) -> HttpResponse:
    """Public calendars are the same for every reader in a language until the record changes; calendar
    applications poll them, so they are built once per change (record_cache)."""
    return _calendar(cached("calendar", [request.build_absolute_uri(), get_language()], build))


def _require_public_read(request: HttpRequest) -> None:
    """Public feeds follow PUBLIC_READ; a private deployment offers each user a private calendar instead."""
    if not policy.can(request.user, Action.VIEW, Agreement):
        raise PermissionDenied(_("Sign in to read the record."))


def agreement_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    _require_public_read(request)
    agreement = get_object_or_404(Agreement, slug=slug)
    return _public_calendar(
        request,
        lambda: _ics(
            agreement.title,
            Milestone.objects.filter(agreement=agreement),
            NegotiationRound.objects.filter(agreement=agreement),
        ),
    )


def state_calendar(request: HttpRequest, alpha3: str) -> HttpResponse:
    _require_public_read(request)
    state = get_object_or_404(State, alpha3=alpha3.upper())
    # A semi-join (IN) rather than a join and DISTINCT: each row once, and PostgreSQL can use its indexes.
    mine = Q(agreement__in=Participation.objects.filter(state=state).values("agreement"))
    return _public_calendar(
        request, lambda: _ics(state.short_name, Milestone.objects.filter(mine), NegotiationRound.objects.filter(mine))
    )


def watched_filter(user: User) -> Q:
    watches = list(Watch.objects.filter(user=user))
    if any(watch.everything for watch in watches):
        return Q()
    agreement_ids = [w.agreement_id for w in watches if w.agreement_id]
    state_ids = [w.state_id for w in watches if w.state_id]
    return Q(agreement_id__in=agreement_ids) | Q(agreement__participations__state_id__in=state_ids)


def private_calendar(request: HttpRequest, user: User) -> HttpResponse:
    scope = watched_filter(user)
    return _calendar(
        _ics(
            _("My watched agreements"),
            Milestone.objects.filter(scope).distinct(),
            NegotiationRound.objects.filter(scope).distinct(),
        )
    )


class StatusChangesFeed(Feed):
    """Atom: the latest status changes, of everything, one agreement, or one state."""

    feed_type = Atom1Feed
    limit = 50

    def get_object(
        self, request: HttpRequest, slug: str | None = None, alpha3: str | None = None
    ) -> Agreement | State | None:
        _require_public_read(request)
        if slug:
            return get_object_or_404(Agreement, slug=slug)
        if alpha3:
            return get_object_or_404(State, alpha3=alpha3.upper())
        return None

    def title(self, obj: Agreement | State | None) -> str:
        return _("Status changes: %(name)s") % {"name": obj} if obj else _("Status changes")

    def link(self, obj: Agreement | State | None) -> str:
        return obj.get_absolute_url() if obj else "/"

    def subtitle(self, obj: Agreement | State | None) -> str:
        return _("The latest recorded changes of status, with their sources.")

    def items(self, obj: Agreement | State | None) -> QuerySet[StatusEvent]:
        events = StatusEvent.objects.select_related("agreement", "source").exclude(status="")
        if isinstance(obj, Agreement):
            events = events.filter(agreement=obj)
        elif isinstance(obj, State):
            events = events.filter(agreement__participations__state=obj)
        return events.order_by("-recorded_at", "-id")[: self.limit]

    def item_title(self, item: StatusEvent) -> str:
        return f"{item.agreement.title}: {item.get_status_display()}"

    def item_description(self, item: StatusEvent) -> str:
        source = f" — {item.source.publisher}: {item.source.title}" if item.source is not None else ""
        return f"{item.effective_on.isoformat()} {item.place} {item.note}{source}".strip()

    def item_link(self, item: StatusEvent) -> str:
        return item.agreement.get_absolute_url() + "#history"

    def item_guid(self, item: StatusEvent) -> str:
        return f"tag:{UID_DOMAIN},2024:event-{item.pk}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: StatusEvent) -> datetime.datetime:
        return item.recorded_at

    def item_pubdate(self, item: StatusEvent) -> datetime.datetime:
        return item.recorded_at


class RecordChangesFeed(StatusChangesFeed):
    """Atom: the latest changes to the record (every write, field by field), of everything, one agreement,
    or the agreements of one state."""

    def title(self, obj: Agreement | State | None) -> str:
        return _("Changes to the record: %(name)s") % {"name": obj} if obj else _("Changes to the record")

    def subtitle(self, obj: Agreement | State | None) -> str:
        return _("Every write to the record: who, when, which fields from what to what, and the source cited.")

    def items(self, obj: Agreement | State | None) -> list[ChangeView]:  # type: ignore[override]
        changes = selectors.changes()
        if isinstance(obj, Agreement):
            changes = changes.filter(agreement=obj)
        elif isinstance(obj, State):
            changes = changes.filter(agreement_id__in=Participation.objects.filter(state=obj).values("agreement"))
        return changelog.present(changes[: self.limit])

    def item_title(self, item: ChangeView) -> str:  # type: ignore[override]
        change = item.change
        where = change.agreement.title if change.agreement is not None else ""
        what = f"{change.get_action_display()} {change.get_object_type_display()}: {change.object_repr}"
        return f"{where}: {what}" if where else what

    def item_description(self, item: ChangeView) -> str:  # type: ignore[override]
        change = item.change
        lines = [f"{change.actor_label} ({change.get_channel_display()})"]
        lines += [f"{field.label}: {field.before or '—'} → {field.after or '—'}" for field in item.fields]
        if change.source is not None:
            lines.append(f"{_('Source')}: {change.source.publisher}: {change.source.title}")
        if change.message:
            lines.append(change.message)
        return "\n".join(lines)

    def item_link(self, item: ChangeView) -> str:  # type: ignore[override]
        change = item.change
        if change.agreement is not None:
            return change.agreement.get_absolute_url() + f"#change-{change.pk}"
        return f"/changes/#change-{change.pk}"

    def item_guid(self, item: ChangeView) -> str:  # type: ignore[override]
        return f"tag:{UID_DOMAIN},2024:change-{item.change.pk}"

    def item_updateddate(self, item: ChangeView) -> datetime.datetime:  # type: ignore[override]
        return item.change.at

    def item_pubdate(self, item: ChangeView) -> datetime.datetime:  # type: ignore[override]
        return item.change.at
