"""Fixtures of the intake's tests: a local web server the outbound guard lets through, and a record of the
articles handed to the extraction."""

from collections.abc import Iterator
from types import ModuleType

import pytest

from intake.models import Article
from tests.intake.httpserver import LocalServer, local_server


@pytest.fixture
def server(settings: object) -> Iterator[LocalServer]:
    with local_server() as running:
        settings.OUTBOUND_ALLOWED_ADDRESSES = [running.host_port]
        settings.INTAKE_FETCH_TIMEOUT_SECONDS = 1
        settings.INTAKE_FETCH_MAX_BYTES = 200_000
        yield running


def record_received(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[int]:
    """The articles `module` hands to the extraction (which still runs)."""
    calls: list[int] = []
    real = module.article_received

    def record(article: Article) -> None:
        calls.append(article.pk)
        real(article)

    monkeypatch.setattr(module, "article_received", record)
    return calls
