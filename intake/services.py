"""Writes of the intake: articles in (stored once), the facts found in them, and their review."""

import hashlib
import re
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Article


def text_digest(text: str) -> str:
    """SHA-256 of the text with its spacing and Unicode forms made uniform: the same report pasted twice, or
    fetched once and pasted once, has one digest."""
    normalised = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest() if normalised else ""


def _existing(fields: dict) -> Article | None:
    """The stored article these fields describe: by feed and GUID, then canonical address, then text."""
    conditions = []
    if fields.get("feed") is not None and fields.get("guid"):
        conditions.append(Q(feed=fields["feed"], guid=fields["guid"]))
    if fields.get("canonical_url"):
        conditions.append(Q(canonical_url=fields["canonical_url"]))
    if fields.get("digest"):
        conditions.append(Q(digest=fields["digest"]))
    for condition in conditions:
        found = Article.objects.filter(condition).order_by("id").first()
        if found is not None:
            return found
    return None


def article_store(**fields) -> tuple[Article, bool]:
    """Store an article once: (the article, True) when new, (the earlier one, False) when it was there.

    Two writers at once (two pollers, a poller and an analyst) cannot both store it: the database's unique
    constraints decide, and the loser gets the winner's row.
    """
    if fields.get("text") and not fields.get("digest"):
        fields["digest"] = text_digest(fields["text"])
    found = _existing(fields)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return Article.objects.create(**fields), True
    except IntegrityError:
        found = _existing(fields)
        if found is None:
            raise
        return found, False


def article_received(article: Article) -> None:
    """An article's text is in: find the facts it reports. (Filled in by the extraction step.)"""
    Article.objects.filter(pk=article.pk).update(extracted_at=timezone.now())
