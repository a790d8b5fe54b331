"""How many agreements stood in each status at the end of each month (or year), from the event log."""

import calendar
import datetime
from collections import Counter
from collections.abc import Iterator

from negotiations.choices import Status
from negotiations.selectors import counting_events

INTERVALS = ("month", "year")
MAX_PERIODS = 1200  # a century of months


def period_ends(start: datetime.date, end: datetime.date, interval: str) -> Iterator[tuple[str, datetime.date]]:
    """(label, last day) of each month or year from `start`'s to `end`'s."""
    year, month = start.year, start.month if interval == "month" else 12
    while (year, month) <= (end.year, end.month if interval == "month" else 12):
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        yield (f"{year}-{month:02d}" if interval == "month" else str(year)), last
        if interval == "year" or month == 12:
            year, month = year + 1, (1 if interval == "month" else 12)
        else:
            month += 1


def count_periods(start: datetime.date, end: datetime.date, interval: str) -> int:
    return sum(1 for _ in period_ends(start, end, interval))


def status_counts_over_time(start: datetime.date, end: datetime.date, interval: str) -> list[dict]:
    """For each period, the agreements in each status on its last day (one pass over the events)."""
    events = counting_events().filter(effective_on__lte=end).values_list("agreement_id", "status", "effective_on")
    status_of: dict[int, str] = {}
    periods = []
    stream = iter(events.iterator(chunk_size=10_000))
    pending = next(stream, None)
    for label, last in period_ends(start, end, interval):
        while pending is not None and pending[2] <= last:
            status_of[pending[0]] = pending[1]
            pending = next(stream, None)
        counts = Counter(status_of.values())
        periods.append(
            {"period": label, "on": last, "counts": {status.value: counts[status.value] for status in Status}}
        )
    return periods
