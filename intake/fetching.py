"""An article given by its address: fetched through the outbound guard, its main text and metadata extracted.

Extraction is trafilatura's (main text without menus, comments and footers; title, site name, date, canonical
address); the page's language is its markup's (trafilatura does not read it). A fetch that fails leaves the
article `failed` with a short reason for the analyst; it never raises out of the task.
"""

import datetime
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml.html import HtmlElement
from trafilatura.settings import Document

from negotiations.models import language_code_validator
from raa_tracker.outbound import OutboundError, Response, fetch

from .choices import FetchState
from .models import Article
from .services import article_received, text_digest

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
# A queued article older than this has lost its task: a fetch takes INTAKE_FETCH_TIMEOUT_SECONDS at most.
FORGOTTEN_AFTER = datetime.timedelta(minutes=10)
BATCH = 20


class FetchFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str
    publisher: str
    published_on: datetime.date | None
    language: str
    canonical_url: str


def fetch_article(article_id: int) -> str:
    """Fetch a queued article's page and store its text; returns the article's fetch state afterwards.

    Safe to run twice: the result is written only while the article is still queued, so a second run that
    finishes later writes nothing and does not hand the article to the extraction again.
    """
    article = Article.objects.filter(pk=article_id, fetch_state=FetchState.QUEUED).first()
    if article is None:
        return "not queued"
    try:
        extracted = extract(download(article.url))
        return _store(article, extracted)
    except FetchFailed as failure:
        return _fail(article, failure.message)
    except Exception as error:  # noqa: BLE001 - recorded on the article; the task must not raise
        log.exception("fetching article %s failed", article_id)
        return _fail(article, _("Unexpected error: %(error)s") % {"error": type(error).__name__})


def fetch_forgotten_articles() -> int:
    """Fetch the articles queued long ago whose task never ran (queued while the broker was down, or lost with
    a worker); run with the feed poll. Returns how many were fetched or failed."""
    before = timezone.now() - FORGOTTEN_AFTER
    forgotten = Article.objects.filter(fetch_state=FetchState.QUEUED, updated_at__lt=before).order_by("id")
    return sum(fetch_article(pk) != "not queued" for pk in forgotten.values_list("pk", flat=True)[:BATCH])


def download(url: str) -> Response:
    """The page at the address, through the outbound guard; FetchFailed unless it is an HTML page."""
    try:
        response = fetch(
            url,
            timeout=settings.INTAKE_FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.INTAKE_FETCH_MAX_BYTES,
            headers={"Accept": ACCEPT},
            allow_loopback=settings.INTAKE_FETCH_ALLOW_LOOPBACK,
        )
    except OutboundError as error:
        raise FetchFailed(error.message) from None
    if response.status != 200:
        raise FetchFailed(_("The page answered HTTP %(status)s.") % {"status": response.status})
    content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
    if content_type and content_type not in HTML_TYPES:
        raise FetchFailed(_("Not a web page (%(type)s).") % {"type": content_type})
    return response


def extract(response: Response) -> Extracted:
    """Main text and metadata of a fetched page; FetchFailed when the page has no article text."""
    charset = response.headers.get_content_charset()
    html: str | bytes = response.body
    if charset:
        try:
            html = response.body.decode(charset, errors="replace")
        except LookupError:  # an unknown charset: trafilatura detects the encoding from the bytes
            html = response.body
    tree = trafilatura.load_html(html)
    if tree is None:
        raise FetchFailed(_("The page could not be read as HTML."))
    language = page_language(tree)
    document = trafilatura.bare_extraction(tree, url=response.url, with_metadata=True, include_comments=False)
    text = (document.text or "").strip() if isinstance(document, Document) else ""
    if not isinstance(document, Document) or not text:
        raise FetchFailed(_("No article text found on the page."))
    return Extracted(
        text=text,
        title=(document.title or "")[:500],
        publisher=(document.sitename or "")[:200],
        published_on=_date(document.date),
        language=language,
        canonical_url=canonical_address(document.url, response.url),
    )


def page_language(tree: HtmlElement) -> str:
    """The language the page declares (html lang, Content-Language, og:locale), as a valid code or ""."""
    declared = [
        *tree.xpath("/html/@lang"),
        *tree.xpath("/html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"}),
        *tree.xpath("//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"),
        *tree.xpath("//meta[@property='og:locale']/@content"),
    ]
    for value in declared:
        code = str(value).split(",")[0].strip().replace("_", "-")
        primary, _dash, rest = code.partition("-")
        code = primary.lower() + ("-" + rest if rest else "")
        try:
            language_code_validator(code)
        except ValidationError:
            continue
        if len(code) <= 16:
            return code
    return ""


def canonical_address(declared: str | None, final_url: str) -> str:
    """The page's canonical address when it names one on its own site, else the address it was fetched from.

    A canonical address on another site is not believed: a page could otherwise claim another publisher's
    address and make that publisher's real article look like a duplicate of it.
    """
    if (
        declared
        and _usable(declared)
        and _same_site(urlsplit(declared).hostname or "", urlsplit(final_url).hostname or "")
    ):
        return declared
    return final_url if _usable(final_url) else ""


def _usable(url: str) -> bool:
    return 0 < len(url) <= 500 and urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).hostname)


def _same_site(host: str, other: str) -> bool:
    host, other = host.lower().removeprefix("www."), other.lower().removeprefix("www.")
    return host == other or host.endswith("." + other) or other.endswith("." + host)


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _duplicate_of(article: Article, extracted: Extracted, digest: str) -> Article | None:
    same = Q(digest=digest)
    if extracted.canonical_url:
        same |= Q(canonical_url=extracted.canonical_url)
    return Article.objects.filter(same).exclude(pk=article.pk).order_by("id").first()


def _store(article: Article, extracted: Extracted) -> str:
    """Fill the article, unless its address or text is already another article's (then it is marked, not
    merged: it may be an analyst's submission that pages and links refer to, and the earlier one is named)."""
    digest = text_digest(extracted.text)
    duplicate = _duplicate_of(article, extracted, digest)
    if duplicate is not None:
        return _fail(article, _("Same as article %(id)s.") % {"id": duplicate.pk})
    try:
        with transaction.atomic():
            written = Article.objects.filter(pk=article.pk, fetch_state=FetchState.QUEUED).update(
                text=extracted.text,
                digest=digest,
                # What the analyst gave wins over what the page says about itself.
                title=article.title or extracted.title,
                publisher=article.publisher or extracted.publisher,
                published_on=article.published_on or extracted.published_on,
                language=article.language or extracted.language,
                canonical_url=extracted.canonical_url,
                fetch_state=FetchState.FETCHED,
                fetch_error="",
                updated_at=timezone.now(),
            )
    except IntegrityError:  # another article took this address or text since the check above
        duplicate = _duplicate_of(article, extracted, digest)
        if duplicate is None:
            raise
        return _fail(article, _("Same as article %(id)s.") % {"id": duplicate.pk})
    if written != 1:
        return "not queued"  # another run stored it first and handed it on
    article.refresh_from_db()
    try:
        article_received(article)
    except Exception:  # noqa: BLE001 - the text is in; the extraction's failure is its own to report
        log.exception("extraction of article %s failed", article.pk)
    return FetchState.FETCHED


def _fail(article: Article, message: str) -> str:
    Article.objects.filter(pk=article.pk, fetch_state=FetchState.QUEUED).update(
        fetch_state=FetchState.FAILED, fetch_error=message[:2000], updated_at=timezone.now()
    )
    return FetchState.FAILED
