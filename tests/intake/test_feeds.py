"""Feeds polled from a real local server: conditional GET, each item stored once (two pollers at once too),
every failure kept on the feed with an exponential back-off, and a real Celery worker and beat doing it."""

import datetime
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from intake import feeds
from intake.choices import Origin
from intake.feeds import poll_due_feeds, poll_feed
from intake.models import Article, Feed
from tests.conftest import need_service
from tests.processes import stop

from .conftest import record_received
from .httpserver import LocalServer, local_server

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
RACE = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Ministry of Foreign Affairs: press releases</title><link>https://mofa.example/</link>
<description>Press releases</description>
<item>
  <title>Japan and the Philippines sign a Reciprocal Access Agreement</title>
  <link>https://mofa.example/press/2024/0708.html</link>
  <guid isPermaLink="false">mofa-2024-0708</guid>
  <pubDate>Mon, 08 Jul 2024 09:30:00 +0000</pubDate>
  <description><![CDATA[<p>On 8 July, <b>Japan</b> and the Philippines signed the agreement in Manila.</p>
  <p>It enters into force once both sides have approved it.</p>]]></description>
</item>
<item>
  <title>Foreign Minister meets the British Foreign Secretary</title>
  <link>/press/2024/0601.html</link>
  <pubDate>Sat, 01 Jun 2024 12:00:00 +0000</pubDate>
  <description>Talks on a reciprocal access agreement with the United Kingdom continue &amp; progress.</description>
</item>
</channel></rss>"""

NEW_ITEM = """<item>
  <title>Australia and Japan review their agreement</title>
  <link>https://mofa.example/press/2024/0801.html</link>
  <guid isPermaLink="false">mofa-2024-0801</guid>
  <description>The two governments reviewed the agreement's first year.</description>
</item>
</channel>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>The Examiner: defence</title><id>urn:examiner:defence</id><updated>2024-07-09T10:00:00Z</updated>
  <entry>
    <id>tag:examiner.example,2024:raa-france</id>
    <title type="html">Japan &amp;amp; France open talks</title>
    <link href="https://examiner.example/2024/07/raa-france"/>
    <published>2024-07-09T10:00:00Z</published><updated>2024-07-10T08:00:00Z</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Japan and France agreed to open negotiations.&lt;/p&gt;
      &lt;p&gt;Talks begin in autumn.&lt;/p&gt;</content>
  </entry>
</feed>"""

XML = {"Content-Type": "application/rss+xml; charset=utf-8"}
# Broken XML of which feedparser can read nothing.
MALFORMED = '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Ministry</title><<<</channel></rss>'


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return record_received(monkeypatch, feeds)


def feed_at(url: str, **fields: object) -> Feed:
    return Feed.objects.create(
        **{"url": url, "publisher": "Ministry of Foreign Affairs", "language": "en", "interval_minutes": 60} | fields
    )


def make_due(feed: Feed) -> None:
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())


def close_to(moment: datetime.datetime | None, expected: datetime.datetime) -> bool:
    return moment is not None and abs(moment - expected) < datetime.timedelta(seconds=30)


def test_rss_items_are_stored_once_as_plain_text_and_handed_to_extraction(
    server: LocalServer, received: list[int]
) -> None:
    feed = feed_at(server.route("/rss", RSS, headers=XML))
    result = poll_feed(feed)
    assert result is not None and result.status == 200 and result.error == ""
    signed, talks = Article.objects.filter(feed=feed).order_by("published_on").reverse()
    assert signed.origin == Origin.FEED and signed.guid == "mofa-2024-0708"
    assert signed.url == "https://mofa.example/press/2024/0708.html"
    assert signed.title == "Japan and the Philippines sign a Reciprocal Access Agreement"
    assert signed.text == (
        "On 8 July, Japan and the Philippines signed the agreement in Manila. "
        "It enters into force once both sides have approved it."
    )
    assert signed.published_on == datetime.date(2024, 7, 8) and signed.digest
    assert (signed.language, signed.publisher) == ("en", "Ministry of Foreign Affairs")
    assert talks.url == talks.guid == server.url("/press/2024/0601.html")  # relative link, no GUID: the link
    assert talks.text == "Talks on a reciprocal access agreement with the United Kingdom continue & progress."
    assert sorted(received) == sorted([signed.pk, talks.pk])
    feed.refresh_from_db()
    assert (feed.last_status, feed.failures, feed.claimed_until) == (200, 0, None)
    assert close_to(feed.next_poll_at, timezone.now() + datetime.timedelta(minutes=60))
    assert close_to(feed.last_polled_at, timezone.now())


def test_atom_entries_are_stored_with_their_content(server: LocalServer) -> None:
    feed = feed_at(server.route("/atom", ATOM, headers={"Content-Type": "application/atom+xml"}))
    poll_feed(feed)
    entry = Article.objects.get(feed=feed)
    assert entry.guid == "tag:examiner.example,2024:raa-france"
    assert entry.title == "Japan & France open talks"
    assert entry.text == "Japan and France agreed to open negotiations. Talks begin in autumn."
    assert entry.published_on == datetime.date(2024, 7, 9)


def test_a_second_poll_is_conditional_and_stores_nothing_on_304(server: LocalServer, received: list[int]) -> None:
    url = server.route("/rss", RSS, etag='"v1"', headers={**XML, "Last-Modified": "Mon, 08 Jul 2024 10:00:00 GMT"})
    feed = feed_at(url)
    poll_feed(feed)
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon, 08 Jul 2024 10:00:00 GMT")
    first = server.requests[0].headers
    assert first["If-None-Match"] is None and first["If-Modified-Since"] is None
    # The feed gains an item but keeps its ETag: a server answering 304 is believed, nothing is read.
    server.routes["/rss"].body = RSS.replace("</channel>", NEW_ITEM).encode()
    handed = list(received)
    make_due(feed)
    result = poll_feed(feed)
    assert result is not None and result.status == 304 and result.new == []
    second = server.requests[1].headers
    assert second["If-None-Match"] == '"v1"'
    assert second["If-Modified-Since"] == "Mon, 08 Jul 2024 10:00:00 GMT"
    assert Article.objects.filter(feed=feed).count() == 2 and received == handed
    feed.refresh_from_db()
    assert (feed.last_status, feed.etag, feed.failures) == (304, '"v1"', 0)
    assert close_to(feed.next_poll_at, timezone.now() + datetime.timedelta(minutes=60))


def test_a_changed_feed_stores_only_its_new_item(server: LocalServer, received: list[int]) -> None:
    feed = feed_at(server.route("/rss", RSS, etag='"v1"', headers=XML))
    poll_feed(feed)
    server.routes["/rss"].body = RSS.replace("</channel>", NEW_ITEM).encode()
    server.routes["/rss"].etag = '"v2"'
    make_due(feed)
    result = poll_feed(feed)
    assert result is not None and [a.guid for a in result.new] == ["mofa-2024-0801"]
    assert Article.objects.filter(feed=feed).count() == 3 and len(received) == 3
    assert Feed.objects.get(pk=feed.pk).etag == '"v2"'


def test_a_feed_not_due_or_claimed_by_another_poller_is_left_alone(server: LocalServer) -> None:
    url = server.route("/rss", RSS, headers=XML)
    later = feed_at(url, next_poll_at=timezone.now() + datetime.timedelta(minutes=5))
    claimed = feed_at(url + "?b", claimed_until=timezone.now() + datetime.timedelta(minutes=5))
    inactive = feed_at(url + "?c", active=False)
    assert poll_due_feeds() == 0
    assert poll_feed(later) is None and poll_feed(claimed) is None and poll_feed(inactive) is None
    assert server.requests == []


def test_an_expired_claim_is_taken_over(server: LocalServer) -> None:
    """A poller that died mid-poll leaves its claim; once the lease is over, another polls the feed."""
    feed = feed_at(server.route("/rss", RSS, headers=XML), claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert poll_due_feeds() == 1
    assert Feed.objects.get(pk=feed.pk).claimed_until is None


@pytest.mark.parametrize(
    ("route", "error", "status"),
    [
        ({"body": MALFORMED, "headers": XML}, "Not a readable feed: <unknown>:2:", 200),
        ({"body": "<html><body><p>Our new website</p></body></html>"}, "Not a readable feed: not an RSS", 200),
        ({"stream_bytes": 10_000_000, "headers": XML}, "The answer is larger than 200,000 bytes.", None),
        ({"body": RSS, "delay": 3, "headers": XML}, "No answer within 1 s.", None),
        ({"status": 500, "body": "oops"}, "The feed answered HTTP 500.", 500),
        ({"status": 410, "body": "gone"}, "The feed answered HTTP 410.", 410),
        ({"status": 302, "headers": {"Location": "http://10.0.0.1/rss"}}, "refused (10.0.0.1).", None),
    ],
    ids=["malformed-xml", "html-page", "10MB", "timeout", "http-500", "http-410", "redirect-private"],
)
def test_a_failed_poll_is_kept_on_the_feed_and_backs_off(
    route: dict, error: str, status: int | None, server: LocalServer
) -> None:
    feed = feed_at(server.route("/feed", **route))
    assert poll_due_feeds() == 1  # never raises
    feed.refresh_from_db()
    assert error in feed.last_error and feed.last_status == status
    assert feed.failures == 1 and feed.claimed_until is None
    assert close_to(feed.last_error_at, timezone.now())
    assert close_to(feed.next_poll_at, timezone.now() + datetime.timedelta(minutes=120))
    assert not Article.objects.filter(feed=feed).exists()
    make_due(feed)
    poll_due_feeds()
    feed.refresh_from_db()
    assert feed.failures == 2 and close_to(feed.next_poll_at, timezone.now() + datetime.timedelta(minutes=240))


def test_a_redirect_to_loopback_on_another_port_is_refused(server: LocalServer) -> None:
    with local_server() as other:
        other.route("/rss", RSS, headers=XML)
        feed = feed_at(server.route("/moved", status=301, headers={"Location": other.url("/rss")}))
        poll_due_feeds()
        assert other.requests == []
    feed.refresh_from_db()
    assert feed.last_error == "Requests to private or local addresses are refused (127.0.0.1)."
    assert feed.failures == 1


def test_a_feed_at_a_private_address_is_refused(server: LocalServer) -> None:
    feed = feed_at("http://192.168.1.20/rss")
    poll_due_feeds()
    feed.refresh_from_db()
    assert feed.last_error == "Requests to private or local addresses are refused (192.168.1.20)."


def test_the_back_off_is_capped_at_a_day_and_never_shorter_than_the_interval(server: LocalServer) -> None:
    often = feed_at(server.route("/often", status=500), failures=20)
    rarely = feed_at(server.route("/weekly", status=500), failures=3, interval_minutes=7 * 24 * 60)
    poll_due_feeds()
    often.refresh_from_db()
    rarely.refresh_from_db()
    assert often.failures == 21 and close_to(often.next_poll_at, timezone.now() + datetime.timedelta(days=1))
    assert close_to(rarely.next_poll_at, timezone.now() + datetime.timedelta(days=7))


def test_a_good_poll_after_failures_resets_them(server: LocalServer) -> None:
    feed = feed_at(server.route("/rss", RSS, headers=XML), failures=4, last_error="HTTP 500")
    poll_due_feeds()
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_status == 200
    assert close_to(feed.next_poll_at, timezone.now() + datetime.timedelta(minutes=60))


def test_an_unexpected_error_is_kept_on_the_feed_and_the_claim_released(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**fields: object) -> None:
        raise RuntimeError("storage bug")

    monkeypatch.setattr(feeds, "article_store", broken)
    feed = feed_at(server.route("/rss", RSS, headers=XML))
    other = feed_at(server.route("/atom", ATOM, headers=XML))
    assert poll_due_feeds() == 2
    for polled in (feed, other):
        polled.refresh_from_db()
        assert polled.last_error == "Unexpected error: RuntimeError"
        assert polled.failures == 1 and polled.claimed_until is None


def test_a_failing_extraction_does_not_fail_the_poll(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: Article) -> None:
        raise RuntimeError("extraction bug")

    monkeypatch.setattr(feeds, "article_received", broken)
    feed = feed_at(server.route("/rss", RSS, headers=XML))
    poll_due_feeds()
    feed.refresh_from_db()
    assert feed.failures == 0 and Article.objects.filter(feed=feed).count() == 2


def _all_at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run the callables in threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@RACE
def test_two_pollers_at_once_poll_a_feed_once_and_store_each_item_once(
    on_postgres: None, server: LocalServer, received: list[int]
) -> None:
    feed = feed_at(server.route("/rss", RSS, headers=XML, delay=0.3))  # both pollers run while it answers
    results = _all_at_once([poll_due_feeds, poll_due_feeds])
    assert sorted(results) == [0, 1]
    assert server.paths() == ["/rss"]
    assert Article.objects.filter(feed=feed).count() == 2 and len(received) == 2
    assert Feed.objects.get(pk=feed.pk).claimed_until is None


@RACE
def test_two_pollers_storing_the_same_items_at_once_store_each_once(
    on_postgres: None, server: LocalServer, received: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two feeds carry the same reports (a ministry's and a newspaper's): both pollers look for each item at
    the same moment and find nothing, both insert, and the text's unique digest lets one of them win."""
    together = threading.Barrier(2)
    answered = threading.Barrier(2)
    real_store = feeds.article_store

    def store_together(**fields: object) -> tuple[Article, bool]:
        together.wait(timeout=10)
        return real_store(**fields)

    monkeypatch.setattr(feeds, "article_store", store_together)
    ministry = feed_at(server.route("/ministry", RSS, headers=XML, barrier=answered))
    newspaper = feed_at(server.route("/newspaper", RSS, headers=XML, barrier=answered))
    results = _all_at_once([lambda: poll_feed(ministry), lambda: poll_feed(newspaper)])
    assert all(result is not None and result.error == "" for result in results), results
    assert Article.objects.count() == 2, list(Article.objects.values_list("feed", "guid"))
    assert sum(len(result.new) for result in results) == 2
    assert sorted(received) == sorted(Article.objects.values_list("pk", flat=True))


@pytest.fixture
def real_services(on_postgres: None) -> None:
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (the PostgreSQL+Redis configuration of .ci/run)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        need_service(f"Redis at {settings.REDIS_URL} does not answer")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(arguments: list[str], env: dict[str, str], log: Path, ready: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "raa_tracker", *arguments],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while ready not in log.read_text():
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, f"{arguments[0]} did not start within 60 s: {log.read_text()[-3000:]}"
        time.sleep(0.1)
    return process


@pytest.mark.slow
@pytest.mark.redis
@RACE
def test_a_real_worker_and_beat_poll_the_feeds(real_services: None, server: LocalServer, tmp_path: Path) -> None:
    from raa_tracker.celery import app

    feed = feed_at(server.route("/rss", RSS, headers=XML))
    app.control.purge()  # tasks that earlier tests queued after their commits
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "INTAKE_FEED_POLL_SECONDS": "1",
        "OUTBOUND_ALLOWED_ADDRESSES": server.host_port,
    }
    worker = _start(
        ["worker", "--pool=threads", "--concurrency=2", "--loglevel=INFO", "--without-gossip", "--without-mingle",
         "-n", f"intake-{os.getpid()}@%h"],
        env, tmp_path / "worker.log", "ready.",
    )  # fmt: skip
    beat = None
    try:
        beat = _start(
            ["beat", "--loglevel=INFO", "-s", str(tmp_path / "schedule"), "--pidfile", str(tmp_path / "beat.pid")],
            env, tmp_path / "beat.log", "beat: Starting",
        )  # fmt: skip
        deadline = time.monotonic() + 45
        while Article.objects.filter(feed=feed).count() < 2 or Feed.objects.get(pk=feed.pk).last_status is None:
            assert worker.poll() is None and beat.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.2)
        time.sleep(2)  # beat sends the poll every second: room for a second poll to store a duplicate
    finally:
        if beat is not None:
            stop(beat)
        stop(worker)
    assert "Sending due task poll-feeds (intake.poll_feeds)" in (tmp_path / "beat.log").read_text()
    assert Article.objects.filter(feed=feed).count() == 2
    feed.refresh_from_db()
    assert (feed.last_status, feed.failures, feed.claimed_until) == (200, 0, None)
    assert server.paths() == ["/rss"], "polled once: the feed is not due again for an hour"
