"""The agreement list, built from plain rows: the API's busiest read, without DRF's per-field machinery.

AgreementSerializer still defines the shape (and serves details, writes and the schema); this module
produces the same JSON for a page of agreements from two `values()` queries, about ten times faster.
tests/api/test_listing.py holds both to the same output.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.request import Request

from negotiations.models import Agreement, Participation
from raa_tracker.api.serializers import fill_url

from .serializers import ParticipationSerializer, agreement_links

AGREEMENT_COLUMNS = (
    "id",
    "slug",
    "title",
    "type__code",
    "summary",
    "status",
    "status_since",
    "entry_into_force_scheduled_on",
    "target_conclusion_on",
    "checked_on",
    "created_at",
    "updated_at",
)
# The serializer's fields, read as plain columns (codes and ids instead of related objects).
PARTICIPATION_COLUMNS = (
    "agreement_id",
    *(
        {"state": "state__alpha3", "source": "source_id"}.get(name, name)
        for name in ParticipationSerializer.Meta.fields
    ),
)


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime_formatter() -> Callable[[datetime.datetime | None], str | None]:
    """DRF's DateTimeField output: the request's time zone, ISO 8601, 'Z' for UTC."""
    zone = timezone.get_current_timezone()

    def format_datetime(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return format_datetime


AS_OF_COLUMNS = ("as_of_status", "as_of_since")  # from selectors.as_of(), when the list asks `as_of`


def agreement_rows(queryset: QuerySet[Agreement]) -> QuerySet[Agreement, dict[str, Any]]:
    """The columns a list page needs, for a filtered and ordered agreement queryset (before paging)."""
    return queryset.values(*AGREEMENT_COLUMNS, *(name for name in AS_OF_COLUMNS if name in queryset.query.annotations))


def participation_rows(agreement_ids: Iterable[int]) -> QuerySet[Participation, dict[str, Any]]:
    return (
        Participation.objects.filter(agreement_id__in=list(agreement_ids))
        .order_by("agreement_id", "state__short_name")
        .values(*PARTICIPATION_COLUMNS)
    )


def participations_by_agreement(agreement_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in participation_rows(agreement_ids):
        grouped[row["agreement_id"]].append(row)
    return grouped


def represent_agreements(rows: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """The AgreementSerializer representation of each row (one query for all their parties)."""
    moment = _datetime_formatter()
    participations = participations_by_agreement(row["id"] for row in rows)
    return [
        {
            "url": fill_url(request, "api:agreement-detail", "slug", row["slug"]),
            "slug": row["slug"],
            "title": row["title"],
            "type": row["type__code"],
            "summary": row["summary"],
            "status": row.get("as_of_status", row["status"]),
            "status_since": _date(row.get("as_of_since", row["status_since"])),
            "entry_into_force_scheduled_on": _date(row["entry_into_force_scheduled_on"]),
            "target_conclusion_on": _date(row["target_conclusion_on"]),
            "checked_on": _date(row["checked_on"]),
            "participations": [
                {
                    "state": party["state__alpha3"],
                    "signed_on": _date(party["signed_on"]),
                    "approval_status": party["approval_status"],
                    "approval_body": party["approval_body"],
                    "approval_submitted_on": _date(party["approval_submitted_on"]),
                    "approval_decided_on": _date(party["approval_decided_on"]),
                    "approval_decided_precision": party["approval_decided_precision"],
                    "entry_into_force_on": _date(party["entry_into_force_on"]),
                    "note": party["note"],
                    "source": party["source_id"],
                    "created_at": moment(party["created_at"]),
                    "updated_at": moment(party["updated_at"]),
                }
                for party in participations.get(row["id"], ())
            ],
            "links": agreement_links(request, row["slug"]),
            "created_at": moment(row["created_at"]),
            "updated_at": moment(row["updated_at"]),
        }
        for row in rows
    ]
