"""The intake at scale (issue #17): articles through extraction and matching in one worker process, on the
benchmark world and on a tenth of it, on PostgreSQL, side by side with the extraction alone.

The articles are the project's labelled ones (tests/intake/articles: 128 in English, German, French and
Japanese), which find the seeded record's agreements when they find any, and as many short English reports
written here about the world's own bilateral agreements (32 at BENCH_SCALE=small): their parties by their English
short names, their type by its name, dates from their history, so that a share of the lookups finds a generated
agreement and goes on to compare the fact with its events, rounds or parties.

- `extract_only`: the baseline, `extract()` of every article, no database: articles per second.
- `intake_small` and `intake_full`: `article_extract()` of every article (extraction, the lookup by type and
  parties, the comparison with the record, the candidates' writes) on the world's first tenth (a scratch
  database generated with the same seed, dropped afterwards) and on the whole world. Each pass runs in one
  transaction that is rolled back, so the world stays as it was and no announcement is queued; not measured
  are therefore a commit per article, the task's queueing, and the storing of the article itself. Reported:
  articles per second, where the time went (the extraction, `Matcher.match`, the rest: the state and type
  look-ups and the writes), queries per article, the share of lookups that found an agreement, the scans in
  the lookup's plan, and the process's peak RSS (its ru_maxrss high-water mark, read after each stage, the
  smaller world before the whole one, so that each reading is the peak up to and including that stage).
- `intake_per_article_full_vs_small`: the time per article on the whole world over that on its tenth. The
  lookups go through the participations' index rather than a scan, so it should be near 1.

`python -m bench.intake` (on the world's database, DATABASE_URL) writes bench/results/latest-intake.json (and a
dated copy) and prints one JSON line, which bench/run.py adds to its own results. Nothing here asserts a time.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock
from urllib.parse import urlsplit

import django
import yaml

if TYPE_CHECKING:  # the models are imported once django.setup() has run
    from intake.extraction.engine import Finding
    from intake.matching import Match
    from intake.models import Article
    from negotiations.models import Agreement

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCALE = os.environ.get("BENCH_SCALE", "full")
ARTICLES = ROOT / "tests" / "intake" / "articles"
ARTICLE_FOLDERS = (ARTICLES, ARTICLES / "validation", ARTICLES / "heldout")
FRACTION = 10  # the smaller world holds a tenth of the agreements (at BENCH_SCALE=small, half: see _smaller_size)
SEED = 1  # bench/run.py generates the world with --seed 1; the smaller world is then its first tenth
REPEATS = {"full": 3}.get(SCALE, 1)
MONTHS = "January February March April May June July August September October November December".split()

# One sentence per kind of fact, with the kind of date it takes from the agreement's history.
TEMPLATES = (
    ("signed", "{A} and {B} signed {a} {t} on {d}."),
    ("in_force", "The {t} between {A} and {B} entered into force on {d}."),
    ("negotiating", "{A} and {B} began negotiations on {a} {t} on {d}."),
    ("round", "The third round of talks on {a} {t} between {A} and {B} opened on {d}."),
    ("approval", "The parliament of {A} approved the {t} with {B} on {d}."),
)
CLOSING = "Officials of both governments gave no further details."


@dataclass
class Text:
    """One article to feed the intake: the project's labelled ones ("project") or a report written here about
    one of the world's agreements ("world")."""

    origin: str
    language: str
    title: str
    text: str
    published_on: datetime.date


@dataclass
class Tally:
    """What one pass through article_extract did and where its time went."""

    seconds: list[float] = field(default_factory=list)  # per article
    extract_seconds: float = 0.0
    match_seconds: float = 0.0
    queries: int = 0
    candidates: int = 0
    origin: str = ""
    findings: Counter[str] = field(default_factory=Counter)  # by origin
    lookups: Counter[str] = field(default_factory=Counter)  # findings that name a type: a lookup by type and parties
    hits: Counter[str] = field(default_factory=Counter)  # lookups that found an agreement
    relations: Counter[str] = field(default_factory=Counter)
    lookup_sql: tuple[str, Any] | None = None


def _project_articles() -> list[Text]:
    texts = []
    for folder in ARTICLE_FOLDERS:
        for path in sorted(folder.glob("*.yaml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            for article in document["articles"]:
                texts.append(
                    Text("project", document["language"], article.get("title", ""), article["text"],
                         article["published_on"])
                )  # fmt: skip
    return texts


def _spoken(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _world_articles(count: int, smaller: int) -> list[Text]:
    """`count` reports about the bilateral agreements among the world's first `smaller` (the ones the smaller
    world holds too), whose parties' English short names the extraction knows: two facts each, with dates from
    the agreement's own history where it has them (the signature, entry into force, a resumption of the talks,
    the third round), so that the comparison with the record runs as for a real report."""
    from django.db.models import Count

    from bench.world import PREFIX
    from intake.extraction.states import state_dictionary
    from negotiations.models import Agreement, NegotiationRound, StatusEvent

    world = Agreement.objects.filter(slug__startswith=PREFIX).order_by("slug")
    last = world.values_list("slug", flat=True)[smaller - 1]
    names = state_dictionary("en")
    chosen: list[Agreement] = []
    bilaterals = (
        world.filter(slug__lte=last)
        .annotate(party_count=Count("participations"))
        .filter(party_count=2)
        .select_related("type")
        .prefetch_related("participations__state")
    )
    for bilateral in bilaterals:
        states = [p.state for p in bilateral.participations.all()]
        if all(names.get(state.short_name, (None,))[0] == state.alpha3 for state in states):
            chosen.append(bilateral)
        if len(chosen) >= count:
            break
    if not chosen:
        return []
    dates: dict[tuple[int, str], datetime.date] = {}
    for agreement_id, status, day in (
        StatusEvent.objects.filter(agreement__in=chosen)
        .order_by("-effective_on")
        .values_list("agreement_id", "status", "effective_on")
    ):
        dates[(agreement_id, str(status))] = day  # the earliest of each status wins
    for agreement_id, day in NegotiationRound.objects.filter(agreement__in=chosen, number=3).values_list(
        "agreement_id", "starts_on"
    ):
        dates[(agreement_id, "round")] = day
    today = datetime.date.today()
    texts = []
    for n in range(count):
        agreement = chosen[n % len(chosen)]
        first, second = (p.state.short_name for p in agreement.participations.all())
        kind = agreement.type.name.lower()
        sentences = []
        for key, template in (TEMPLATES[n % len(TEMPLATES)], TEMPLATES[(n + 2) % len(TEMPLATES)]):
            day = dates.get((agreement.pk, key), agreement.started_on or today)
            article = "an" if kind[0] in "aeiou" else "a"
            sentences.append(template.format(A=first, B=second, a=article, t=kind, d=_spoken(day)))
        title = f"{first} and {second}: {agreement.type.name}"
        texts.append(Text("world", "en", title, " ".join(sentences) + "\n\n" + CLOSING + "\n", today))
    return texts


def _smaller_size(world: int) -> int:
    """A tenth of the world, rounded down to whole batches of bench/world.py: the generator draws a batch's
    parties after all of its histories, so only a world of whole batches is the first part of a larger one with
    the same seed (the same agreements between the same parties, for the same lookups). At BENCH_SCALE=small
    (400 agreements) that is one batch, half of the world."""
    from bench.world import BATCH

    return min(world, max(BATCH, world // FRACTION // BATCH * BATCH))


def _peak_kib() -> int:
    """This process's high-water RSS so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _extract_only(texts: list[Text]) -> float:
    from intake.extraction.engine import extract

    started = time.perf_counter()
    for text in texts:
        extract(text.text, text.language, text.published_on, text.title)
    return time.perf_counter() - started


@contextmanager
def _instrumented(tally: Tally, count_queries: bool) -> Iterator[None]:
    """article_extract as it is, with its matcher and its extraction timed (a perf_counter pair per call) and,
    on the warm-up pass only, its queries counted."""
    from django.db import connection

    from intake import services
    from intake.matching import Matcher

    class TimedMatcher(Matcher):
        def match(self, finding: Finding) -> Match:
            started = time.perf_counter()
            found = super().match(finding)
            tally.match_seconds += time.perf_counter() - started
            tally.findings[tally.origin] += 1
            if finding.type:
                tally.lookups[tally.origin] += 1
                tally.hits[tally.origin] += found.agreement is not None
            tally.relations[str(found.relation) if found.agreement is not None else "no agreement"] += 1
            return found

    findings = services._findings

    def timed_findings(article: Article) -> list[Finding]:
        started = time.perf_counter()
        found = findings(article)
        tally.extract_seconds += time.perf_counter() - started
        return found

    def counted(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        tally.queries += 1
        if tally.lookup_sql is None and 'FROM "negotiations_agreement"' in sql and "negotiations_participation" in sql:
            tally.lookup_sql = (sql, params)  # the lookup by type and parties, for its plan
        return execute(sql, params, many, context)

    with mock.patch.object(services, "Matcher", TimedMatcher), mock.patch.object(services, "_findings", timed_findings):
        if count_queries:
            with connection.execute_wrapper(counted):
                yield
        else:
            yield


def _intake_pass(texts: list[Text], count_queries: bool = False) -> Tally:
    """Every article stored, then through article_extract, timed one by one; all rolled back at the end."""
    from django.db import transaction

    from intake import services
    from intake.choices import Origin
    from intake.models import Article

    tally = Tally()
    with transaction.atomic():
        stored = Article.objects.bulk_create(
            Article(origin=Origin.PASTED, title=t.title, text=t.text, language=t.language, published_on=t.published_on)
            for t in texts
        )
        with _instrumented(tally, count_queries):
            for text, article in zip(texts, stored, strict=True):
                tally.origin = text.origin
                started = time.perf_counter()
                tally.candidates += len(services.article_extract(article))
                tally.seconds.append(time.perf_counter() - started)
        transaction.set_rollback(True)
    return tally


def _lookup_plan(tally: Tally) -> list[str]:
    """The scans of the lookup's plan on this world (EXPLAIN of the first lookup article_extract ran)."""
    if tally.lookup_sql is None:
        return []
    from django.db import connection

    sql, params = tally.lookup_sql
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    return [line.strip().removeprefix("->  ").split("  (cost")[0] for line in plan if "Scan" in line]


def _measure_world(name: str, texts: list[Text]) -> dict:
    """A warm-up pass (buffers, connection, query counts, hit rate), then REPEATS timed passes: the median."""
    from bench.world import PREFIX
    from negotiations.models import Agreement

    agreements = Agreement.objects.filter(slug__startswith=PREFIX).count()
    warm = _intake_pass(texts, count_queries=True)
    passes = sorted((_intake_pass(texts) for _ in range(REPEATS)), key=lambda tally: sum(tally.seconds))
    tally = passes[len(passes) // 2]
    seconds = sum(tally.seconds)
    lookups, hits = sum(warm.lookups.values()), sum(warm.hits.values())
    result: dict[str, Any] = {
        "world_agreements": agreements,
        "articles": len(texts),
        "findings": sum(warm.findings.values()),
        "candidates": warm.candidates,
        "seconds": round(seconds, 2),
        "articles_per_second": round(len(texts) / seconds, 1),
        "ms_per_article": round(seconds / len(texts) * 1000, 2),
        "median_article_ms": round(statistics.median(tally.seconds) * 1000, 2),
        "extract_ms_per_article": round(tally.extract_seconds / len(texts) * 1000, 2),
        "match_ms_per_article": round(tally.match_seconds / len(texts) * 1000, 2),
        "other_ms_per_article": round((seconds - tally.extract_seconds - tally.match_seconds) / len(texts) * 1000, 2),
        "queries_per_article": round(warm.queries / len(texts), 2),
        "lookups": lookups,
        "hits": hits,
        "hit_rate": round(hits / lookups, 3) if lookups else None,
        "hit_rate_by_origin": {
            origin: round(warm.hits[origin] / warm.lookups[origin], 3) for origin in sorted(warm.lookups)
        },
        "relations": dict(sorted(warm.relations.items())),
        "lookup_plan_scans": _lookup_plan(warm),
        "passes_seconds": [round(sum(t.seconds), 2) for t in passes],
        "peak_kib": _peak_kib(),
    }
    print(
        f"{name:14} {len(texts):>4} articles in {seconds:6.2f} s  {result['articles_per_second']:6.1f} articles/s  "
        f"(extract {result['extract_ms_per_article']} ms, match {result['match_ms_per_article']} ms, "
        f"other {result['other_ms_per_article']} ms per article)  hits {hits}/{lookups}  "
        f"{agreements:,} agreements  peak {result['peak_kib'] / 1024:.0f} MiB",
        flush=True,
    )
    return result


def _use_database(name: str) -> None:
    """Point this process's connection at another database (the next query opens it)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


def _admin(database_url: str, *statements: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlsplit(database_url)._replace(path="/postgres").geturl())
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def _smaller_world(database_url: str, scratch: str, agreements: int) -> None:
    """A scratch database with the seeded record and the world's first `agreements` (same generator, same seed)."""
    scratch_env = os.environ | {"DATABASE_URL": urlsplit(database_url)._replace(path=f"/{scratch}").geturl()}
    _admin(database_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)', f'CREATE DATABASE "{scratch}"')
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["seed"],
        ["generate_world", "--agreements", str(agreements), "--seed", str(SEED)],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=scratch_env, check=True, stdout=subprocess.DEVNULL
        )


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.intake needs DATABASE_URL=postgres://… (the benchmark world's database).")
    os.environ["DEBUG"] = "false"  # production settings, as a worker runs them (no query log)
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raa_tracker.settings")
    django.setup()
    from django.conf import settings

    from bench.world import PREFIX
    from negotiations.models import Agreement

    assert not settings.DEBUG
    started = time.monotonic()
    world = Agreement.objects.filter(slug__startswith=PREFIX).count()
    if not world:
        raise SystemExit("No benchmark world in this database: run `manage.py generate_world --seed 1` first.")
    smaller = _smaller_size(world)
    project = _project_articles()
    texts = project + _world_articles(len(project) if SCALE == "full" else 32, smaller)
    results: dict = {"setup": {"peak_kib": _peak_kib()}}

    _extract_only(texts)  # warm-up: the state dictionaries, compiled cues and sentence splitters are built once
    passes = sorted(_extract_only(texts) for _ in range(REPEATS))
    seconds = passes[len(passes) // 2]
    results["extract_only"] = {
        "articles": len(texts), "seconds": round(seconds, 2), "articles_per_second": round(len(texts) / seconds, 1),
        "ms_per_article": round(seconds / len(texts) * 1000, 2), "passes_seconds": [round(s, 2) for s in passes],
        "peak_kib": _peak_kib(),
    }  # fmt: skip
    print(
        f"{'extract_only':14} {len(texts):>4} articles in {seconds:6.2f} s  "
        f"{results['extract_only']['articles_per_second']:6.1f} articles/s  (no database)",
        flush=True,
    )

    name = urlsplit(database_url).path.lstrip("/")
    scratch = f"{name}_intake_small"
    _smaller_world(database_url, scratch, smaller)
    try:
        _use_database(scratch)
        results["intake_small"] = _measure_world("intake_small", texts)
    finally:
        _use_database(name)
        _admin(database_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    results["intake_full"] = _measure_world("intake_full", texts)

    full, small, extraction = results["intake_full"], results["intake_small"], results["extract_only"]
    ratios = {
        "intake_per_article_full_vs_small": round(full["ms_per_article"] / small["ms_per_article"], 2),
        "intake_match_per_article_full_vs_small": round(
            full["match_ms_per_article"] / small["match_ms_per_article"], 2
        ),
        "intake_match_share": round(full["match_ms_per_article"] / full["ms_per_article"], 3),
        "intake_extract_share": round(full["extract_ms_per_article"] / full["ms_per_article"], 3),
        "intake_rate_vs_extraction": round(full["articles_per_second"] / extraction["articles_per_second"], 3),
        "intake_peak_full_vs_small": round(full["peak_kib"] / small["peak_kib"], 2),
    }
    document = {"intake": results, "intake_ratios": ratios}
    suffix = "" if SCALE == "full" else f"-{SCALE}"
    stamped = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": SCALE,
        "repeats": REPEATS,
        "total_seconds": round(time.monotonic() - started),
    } | document
    RESULTS.mkdir(parents=True, exist_ok=True)
    for file in (f"{datetime.date.today().isoformat()}-intake{suffix}.json", f"latest-intake{suffix}.json"):
        (RESULTS / file).write_text(json.dumps(stamped, indent=2) + "\n")
    print(json.dumps(document))


if __name__ == "__main__":
    main()
