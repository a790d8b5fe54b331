"""Polling RSS and Atom feeds: each due feed is claimed by one poller, fetched with a conditional GET through the
outbound guard, parsed by feedparser, and each item stored once.

A feed is claimed with a conditional update (due and not claimed, or its claim expired), so two pollers never
poll it at once; a poller that dies leaves a claim that expires after FEED_LEASE. Items are stored through
article_store, whose unique keys keep each item once even if two pollers did race. Errors never raise: they are
kept on the feed (last_error, failures) and the next poll backs off exponentially.
"""

import datetime
import io
import logging
from dataclasses import dataclass, field
from typing import Any

import feedparser
import lxml.html
import trafilatura
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml.etree import ParserError

from raa_tracker.outbound import OutboundError, fetch

from .choices import Origin
from .models import Article, Feed
from .services import article_received, article_store, text_digest

log = logging.getLogger(__name__)
MAX_BACKOFF = datetime.timedelta(days=1)
BATCH = 100  # feeds one poll_due_feeds takes at most; beat's next run takes the rest
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class PollResult:
    """What one poll of a feed came to: the HTTP status (None without an answer), the new articles, an error."""

    status: int | None = None
    error: str = ""
    etag: str = ""
    last_modified: str = ""
    new: list[Article] = field(default_factory=list)


def feed_lease() -> datetime.timedelta:
    """How long a claim holds: well beyond one guarded fetch and the storing of its items."""
    return datetime.timedelta(seconds=max(300, 3 * settings.INTAKE_FETCH_TIMEOUT_SECONDS))


def _due(now: datetime.datetime) -> QuerySet[Feed]:
    return Feed.objects.filter(active=True, next_poll_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def poll_due_feeds() -> int:
    """Poll the feeds that are due and not claimed by another poller; returns how many this one polled."""
    due = list(_due(timezone.now()).order_by("next_poll_at").values_list("pk", flat=True)[:BATCH])
    polled = 0
    for pk in due:
        feed = Feed.objects.filter(pk=pk).first()
        if feed is None:
            continue
        try:
            polled += poll_feed(feed) is not None
        except Exception:  # noqa: BLE001 - one feed's failure (say, the database gone mid-poll) spares the others
            log.exception("polling feed %s failed", pk)
    return polled


def poll_feed(feed: Feed) -> PollResult | None:
    """Poll one feed if it is due and this poller claims it; None when it is not due or another poller has it.

    The claim is released with the poll's result in one update, conditional on the claim still being ours.
    The new articles are handed to the extraction after that, so that a slow extraction does not hold the
    claim past its lease.
    """
    now = timezone.now()
    lease_end = now + feed_lease()
    if _due(now).filter(pk=feed.pk).update(claimed_until=lease_end) != 1:
        return None
    feed.refresh_from_db()
    try:
        result = _poll(feed)
    except Exception as error:  # noqa: BLE001 - kept on the feed like any other failure
        log.exception("polling feed %s failed", feed.pk)
        result = PollResult(error=_("Unexpected error: %(error)s") % {"error": type(error).__name__})
    _finish(feed, result, lease_end)
    for article in result.new:
        try:
            article_received(article)
        except Exception:  # noqa: BLE001 - the article is stored; the extraction's failure is its own to report
            log.exception("extraction of article %s failed", article.pk)
    return result


def _poll(feed: Feed) -> PollResult:
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        response = fetch(
            feed.url,
            timeout=settings.INTAKE_FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.INTAKE_FETCH_MAX_BYTES,
            headers=headers,
            allow_loopback=settings.INTAKE_FETCH_ALLOW_LOOPBACK,
        )
    except OutboundError as error:
        return PollResult(error=error.message)
    etag = response.headers.get("ETag", "").strip()
    last_modified = response.headers.get("Last-Modified", "").strip()
    if response.status == 304:  # unchanged: the validators we sent still hold unless new ones came
        return PollResult(status=304, etag=etag or feed.etag, last_modified=last_modified or feed.last_modified)
    if not 200 <= response.status < 300:
        return PollResult(
            status=response.status, error=_("The feed answered HTTP %(status)s.") % {"status": response.status}
        )
    # A stream, not bytes or a string: feedparser would fetch a string that looks like an address, and open a
    # file whose name the bytes spell.
    parsed = feedparser.parse(
        io.BytesIO(response.body),
        response_headers={
            "content-type": response.headers.get("Content-Type", "application/xml"),
            "content-location": response.url,  # the base of relative links
        },
    )
    # feedparser reads what it can of a malformed feed (bozo); one of which nothing could be read, or a document
    # of no feed format at all (an HTML page, an empty body), is an error.
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = str(parsed.get("bozo_exception", "")) or _("not an RSS or Atom document")
        return PollResult(status=response.status, error=_("Not a readable feed: %(reason)s") % {"reason": reason[:300]})
    result = PollResult(status=response.status, etag=etag, last_modified=last_modified)
    for entry in parsed.entries:
        fields = entry_fields(feed, entry)
        if fields is None:
            continue
        article, created = article_store(**fields)
        if created:
            result.new.append(article)
    return result


def entry_fields(feed: Feed, entry: Any) -> dict[str, Any] | None:
    """The article fields of one feed item, or None for an item with nothing to know it again by."""
    link = entry.get("link", "") or ""
    text = _item_text(entry)
    guid = entry.get("id", "") or link
    if len(guid) > 500:  # the column's width; a digest keeps it unique
        guid = "sha256:" + text_digest(guid)
    if not guid and not text:
        return None
    return {
        "origin": Origin.FEED,
        "feed": feed,
        "guid": guid,
        "url": link if link.startswith(("http://", "https://")) and len(link) <= 500 else "",
        "title": _plain(entry.get("title", ""), entry.get("title_detail", {}).get("type", ""))[:500],
        "text": text,
        "published_on": _published_on(entry),
        "language": feed.language,
        "publisher": feed.publisher,
    }


def _published_on(entry: Any) -> datetime.date | None:
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return datetime.date(*published[:3]) if published else None
    except (TypeError, ValueError):
        return None


def _item_text(entry: Any) -> str:
    """The item's full content when it has one, else its summary, as plain text."""
    for part in [*entry.get("content", []), entry.get("summary_detail")]:
        if part and (part.get("value") or "").strip():
            return _plain(part["value"], part.get("type", ""))
    return ""


def _plain(value: str, content_type: str) -> str:
    """Text without markup; feedparser has already sanitised HTML and decoded entities of plain text."""
    if content_type not in HTML_TYPES or not value.strip():
        return value.strip()
    try:
        element = lxml.html.fragment_fromstring(value, create_parent="div")
    except ParserError:
        return ""
    return trafilatura.html2txt(element).strip()


def _finish(feed: Feed, result: PollResult, lease_end: datetime.datetime) -> None:
    """Keep the poll's outcome on the feed and release the claim, if the claim is still ours."""
    now = timezone.now()
    interval = datetime.timedelta(minutes=feed.interval_minutes)
    if result.error:
        failures = feed.failures + 1
        changes: dict[str, Any] = {
            "failures": failures,
            "last_error": result.error[:2000],
            "last_error_at": now,
            "next_poll_at": now + max(interval, min(interval * 2 ** min(failures, 6), MAX_BACKOFF)),
        }
    else:
        changes = {
            "failures": 0,
            "etag": result.etag if len(result.etag) <= 300 else "",
            "last_modified": result.last_modified if len(result.last_modified) <= 100 else "",
            "next_poll_at": now + interval,
        }
    written = Feed.objects.filter(pk=feed.pk, claimed_until=lease_end).update(
        claimed_until=None, last_polled_at=now, last_status=result.status, updated_at=now, **changes
    )
    if written != 1:
        log.warning("feed %s: the claim expired during the poll; its outcome is not kept", feed.pk)
