"""An article given by its address: fetched through the outbound guard from a real local server, its text and
metadata extracted by trafilatura, every failure kept on the article and never raised."""

import datetime

import pytest

from intake import fetching
from intake.choices import FetchState, Origin
from intake.fetching import fetch_article
from intake.models import Article
from intake.services import text_digest

from .conftest import record_received
from .httpserver import LocalServer, local_server

pytestmark = pytest.mark.django_db

BODY = (
    "Japan and the Philippines signed a reciprocal access agreement in Manila on Monday, allowing their forces "
    "to train on each other's territory. The agreement enters into force once both legislatures approve it."
)
SECOND = "Officials said the Japanese Diet would take up the agreement in its next ordinary session."


def page(canonical: str = "", body: str = BODY, lang: str = "en-GB") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>Japan and Philippines sign RAA | Manila Examiner</title>{link}
<meta property="og:site_name" content="Manila Examiner">
<meta property="og:title" content="Japan and Philippines sign reciprocal access agreement">
<meta property="article:published_time" content="2024-07-08T09:30:00+08:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>Subscribe now</li></ul></nav>
<article><h1>Japan and Philippines sign reciprocal access agreement</h1>
<p>{body}</p><p>{SECOND}</p></article>
<footer><p>Copyright 2024 Manila Examiner. All rights reserved. Cookie settings.</p></footer>
</body></html>"""


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return record_received(monkeypatch, fetching)


def queued(url: str, **fields: object) -> Article:
    return Article.objects.create(origin=Origin.FETCHED, url=url, fetch_state=FetchState.QUEUED, **fields)


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_a_fetched_page_gets_its_text_and_metadata_extracted_by_trafilatura(
    server: LocalServer, received: list[int]
) -> None:
    url = server.route("/news/raa", page(canonical=server.url("/news/raa-canonical")), headers=HTML)
    article = queued(url)
    assert fetch_article(article.pk) == FetchState.FETCHED
    article.refresh_from_db()
    assert article.fetch_state == FetchState.FETCHED and article.fetch_error == ""
    assert BODY in article.text and SECOND in article.text
    assert "Subscribe now" not in article.text and "Copyright" not in article.text  # menus and footers left out
    assert article.title == "Japan and Philippines sign reciprocal access agreement"
    assert article.publisher == "Manila Examiner"
    assert article.published_on == datetime.date(2024, 7, 8)
    assert article.language == "en-GB"
    assert article.canonical_url == server.url("/news/raa-canonical")
    assert article.digest == text_digest(article.text)
    assert article.url == url  # the address the analyst gave stays
    assert received == [article.pk]
    assert server.requests[0].headers["Accept"].startswith("text/html")


def test_what_the_analyst_gave_wins_over_what_the_page_says(server: LocalServer) -> None:
    article = queued(server.route("/a", page(), headers=HTML), title="RAA signed (analyst's title)", language="en")
    fetch_article(article.pk)
    article.refresh_from_db()
    assert (article.title, article.language, article.publisher) == (
        "RAA signed (analyst's title)",
        "en",
        "Manila Examiner",
    )


def test_a_redirect_is_followed_and_the_final_address_is_canonical(server: LocalServer) -> None:
    final = server.route("/story", page(), headers=HTML)
    article = queued(server.route("/short", status=301, headers={"Location": "/story"}))
    assert fetch_article(article.pk) == FetchState.FETCHED
    article.refresh_from_db()
    assert article.canonical_url == final and BODY in article.text


def test_a_canonical_address_on_another_site_is_not_believed(server: LocalServer) -> None:
    url = server.route("/copy", page(canonical="https://www.mofa.go.jp/press/release/raa.html"), headers=HTML)
    article = queued(url)
    fetch_article(article.pk)
    article.refresh_from_db()
    assert article.canonical_url == url


@pytest.mark.parametrize("address", ["http://10.0.0.1/news", "http://169.254.169.254/latest/meta-data/"])
def test_a_private_address_fails_the_article_with_a_clear_error(address: str, server: LocalServer) -> None:
    article = queued(address)
    assert fetch_article(article.pk) == FetchState.FAILED
    article.refresh_from_db()
    host = address.split("/")[2]
    assert article.fetch_state == FetchState.FAILED
    assert article.fetch_error == f"Requests to private or local addresses are refused ({host})."


def test_loopback_on_a_port_not_let_through_is_refused(server: LocalServer) -> None:
    with local_server() as other:
        other.route("/admin", page(), headers=HTML)
        article = queued(other.url("/admin"))
        fetch_article(article.pk)
        assert other.requests == []
    article.refresh_from_db()
    assert article.fetch_error == "Requests to private or local addresses are refused (127.0.0.1)."


def test_a_redirect_to_a_refused_address_fails_the_article(server: LocalServer) -> None:
    article = queued(server.route("/r", status=302, headers={"Location": "http://192.168.0.10/router"}))
    fetch_article(article.pk)
    article.refresh_from_db()
    assert article.fetch_error == "Requests to private or local addresses are refused (192.168.0.10)."


@pytest.mark.parametrize(
    ("route", "error"),
    [
        ({"status": 404, "body": "gone"}, "The page answered HTTP 404."),
        ({"status": 503, "body": "later"}, "The page answered HTTP 503."),
        ({"body": b"%PDF-1.7", "headers": {"Content-Type": "application/pdf"}}, "Not a web page (application/pdf)."),
        (
            {"body": "<html><body><img src=map.png></body></html>", "headers": HTML},
            "No article text found on the page.",
        ),
        ({"stream_bytes": 10_000_000, "headers": HTML}, "The answer is larger than 200,000 bytes."),
        ({"body": page(), "delay": 3, "headers": HTML}, "No answer within 1 s."),
    ],
    ids=["404", "503", "pdf", "no-text", "10MB", "timeout"],
)
def test_a_failed_fetch_is_kept_on_the_article(
    route: dict, error: str, server: LocalServer, received: list[int]
) -> None:
    article = queued(server.route("/x", **route))
    assert fetch_article(article.pk) == FetchState.FAILED
    article.refresh_from_db()
    assert (article.fetch_state, article.fetch_error, article.text) == (FetchState.FAILED, error, "")
    assert received == []


def test_an_address_that_is_not_http_fails(server: LocalServer) -> None:
    article = queued("ftp://example.org/report.html")
    fetch_article(article.pk)
    article.refresh_from_db()
    assert article.fetch_error == "Give an http:// or https:// address."


def test_the_same_address_as_an_earlier_article_is_marked_not_duplicated(
    server: LocalServer, received: list[int]
) -> None:
    canonical = server.url("/news/raa-canonical")
    earlier = Article.objects.create(title="Earlier", text="Other text.", canonical_url=canonical)
    article = queued(server.route("/amp/raa", page(canonical=canonical), headers=HTML))
    assert fetch_article(article.pk) == FetchState.FAILED
    article.refresh_from_db()
    assert article.fetch_error == f"Same as article {earlier.pk}."
    assert (article.text, article.canonical_url, article.digest) == ("", "", "")
    assert received == []


def test_the_same_text_as_an_earlier_article_is_marked_not_duplicated(server: LocalServer) -> None:
    first = queued(server.route("/one", page(), headers=HTML))
    fetch_article(first.pk)
    Article.objects.filter(pk=first.pk).update(canonical_url="")  # known by its text only, as a pasted one is
    second = queued(server.route("/two", page(), headers=HTML))
    assert fetch_article(second.pk) == FetchState.FAILED
    second.refresh_from_db()
    assert second.fetch_error == f"Same as article {first.pk}."
    assert Article.objects.exclude(digest="").count() == 1


def test_only_a_queued_article_is_fetched(server: LocalServer) -> None:
    url = server.route("/p", page(), headers=HTML)
    pasted = Article.objects.create(url=url, text="Pasted text.", fetch_state=FetchState.NOT_NEEDED)
    assert fetch_article(pasted.pk) == "not queued"
    assert fetch_article(987654) == "not queued"
    assert server.requests == []


def test_a_second_run_writes_nothing_once_the_first_stored_it(server: LocalServer, received: list[int]) -> None:
    article = queued(server.route("/p", page(), headers=HTML))
    fetch_article(article.pk)
    assert fetch_article(article.pk) == "not queued"
    assert received == [article.pk]


def test_an_unexpected_error_is_kept_and_not_raised(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(response: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(fetching, "extract", broken)
    article = queued(server.route("/p", page(), headers=HTML))
    assert fetch_article(article.pk) == FetchState.FAILED
    article.refresh_from_db()
    assert article.fetch_error == "Unexpected error: KeyError"


def test_a_failing_extraction_leaves_the_text_in(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: Article) -> None:
        raise RuntimeError("extraction bug")

    monkeypatch.setattr(fetching, "article_received", broken)
    article = queued(server.route("/p", page(), headers=HTML))
    assert fetch_article(article.pk) == FetchState.FETCHED
    article.refresh_from_db()
    assert article.fetch_state == FetchState.FETCHED and BODY in article.text


def test_the_task_fetches_by_primary_key(server: LocalServer) -> None:
    from intake.tasks import fetch_article as task

    article = queued(server.route("/p", page(), headers=HTML))
    assert task.apply((article.pk,)).get() == FetchState.FETCHED
