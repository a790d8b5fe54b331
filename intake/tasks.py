"""Celery tasks of the intake: thin wrappers that call the feed poller and the article fetcher."""

from celery import shared_task

from .feeds import poll_due_feeds
from .fetching import fetch_article as fetch_article_by_id
from .fetching import fetch_forgotten_articles


@shared_task(name="intake.poll_feeds", ignore_result=True)
def poll_feeds() -> int:
    """Run by beat every INTAKE_FEED_POLL_SECONDS; each feed is claimed, so overlapping runs share the work.
    It also fetches the articles whose own task was lost (the sweep that queue_after_commit counts on)."""
    return poll_due_feeds() + fetch_forgotten_articles()


@shared_task(name="intake.fetch_article", ignore_result=True)
def fetch_article(article_id: int) -> str:
    """Queued (by this name, after commit) for an article given by its address; never raises."""
    return fetch_article_by_id(article_id)
