"""The reminder sweep at two sizes, and notification throughput through a real worker.

Run by `make bench` in a scratch PostgreSQL database (migrated and seeded): `python -m bench.sweep`.
It prints one JSON document on its last line.

- Sweep: 1,000 milestones due for a reminder among 10,000, then among 1,000,000 (100,000 at
  BENCH_SCALE=small). The rest are far ahead, long overdue or done, as in a real registry. Each size is
  swept five times (the notices written are deleted in between); time, queries and peak Python memory.
- Throughput: 1,000 notices (half e-mail to the file backend, half webhooks to a receiver on loopback)
  queued on Redis and delivered by a Celery worker process with the README's concurrency.
"""

from __future__ import annotations

import datetime
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import django

if TYPE_CHECKING:  # the models are imported once django.setup() has run
    from django.contrib.auth.models import User

DUE = 1_000
SIZES = {"full": (10_000, 1_000_000), "small": (10_000, 100_000)}
RUNS = 5
NOTICES = 1_000
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "2"))
ROOT = Path(__file__).resolve().parent.parent


def _setup_registry() -> tuple[User, list[int]]:
    """100 agreements watched by one user (e-mail), with ten milestones each due within the week."""
    from django.contrib.auth import get_user_model

    from negotiations.models import Agreement, AgreementType, Milestone, Participation
    from notifications.models import Watch
    from parties.models import State

    user = get_user_model().objects.create_user("sweep-watcher", "watcher@example.org")
    kind = AgreementType.objects.get(code="RAA")
    japan, partner = State.objects.get(alpha3="JPN"), State.objects.get(alpha3="FRA")
    agreements = Agreement.objects.bulk_create(
        Agreement(slug=f"sweep-{n:03}", title=f"Sweep agreement {n:03}", type=kind) for n in range(100)
    )
    Participation.objects.bulk_create(
        Participation(agreement=a, state=state) for a in agreements for state in (japan, partner)
    )
    Watch.objects.bulk_create(Watch(user=user, agreement=a, lead_days=[7]) for a in agreements)
    today = datetime.date.today()
    Milestone.objects.bulk_create(
        Milestone(agreement=agreements[n % 100], title=f"Due {n}", due_on=today + datetime.timedelta(days=1 + n % 6))
        for n in range(DUE)
    )
    return user, [a.pk for a in agreements]


def _add_background(count: int, agreement_ids: list[int]) -> None:
    """Milestones the sweep must not touch: far ahead, long overdue, or done. Inserted server-side."""
    from django.db import connection

    from negotiations.models import Milestone

    today = datetime.date.today()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Milestone._meta.db_table}
                (agreement_id, kind, title, due_on, due_precision, completed_on, status, note, no_source_reason,
                 created_at, updated_at)
            SELECT ids[1 + n %% cardinality(ids)], 'other', 'Background ' || n,
                   CASE n %% 3 WHEN 0 THEN %(today)s::date + 400 + n %% 3000
                               WHEN 1 THEN %(today)s::date - 30 - n %% 3000
                               ELSE %(today)s::date - 30 + n %% 60 END,
                   'day',
                   CASE n %% 3 WHEN 2 THEN %(today)s::date - 40 END,
                   CASE n %% 3 WHEN 2 THEN 'done' ELSE 'planned' END,
                   '', '', now(), now()
            FROM generate_series(1, %(count)s) AS n, (SELECT %(ids)s::bigint[] AS ids) AS a
            """,  # noqa: S608 - the table name is the model's; values are parameters
            {"today": today, "count": count, "ids": agreement_ids},
        )
        cursor.execute(f"ANALYZE {Milestone._meta.db_table}")


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[[str, Any, bool, dict[str, Any]], Any], sql: str, params: Any, many: bool, context: dict
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _measure_sweep() -> dict:
    from django.db import connection

    from notifications.models import Notification
    from notifications.sweep import run_sweep

    times = []
    for run in range(RUNS + 1):
        Notification.objects.all().delete()
        counter = _QueryCounter()
        if run == RUNS:  # one more run for memory: tracemalloc slows allocation, so it is not timed
            tracemalloc.start()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            report = run_sweep()
        elapsed = time.perf_counter() - started
        if run < RUNS:
            times.append(elapsed)
        if report.reminders != DUE:
            raise SystemExit(f"the sweep wrote {report.reminders} reminders, expected {DUE}")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "median_ms": round(statistics.median(times) * 1000, 2),
        "min_ms": round(min(times) * 1000, 2),
        "queries": counter.count,
        "peak_python_kib": round(peak / 1024),
        "reminders": DUE,
    }


def _receiver() -> tuple[http.server.ThreadingHTTPServer, list[int]]:
    received: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(1)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def _measure_delivery(user: User) -> dict:
    """Queue NOTICES notices on Redis and time a worker process until every one is sent."""
    from django.db import transaction

    from negotiations.models import Milestone
    from notifications.choices import Channel, Kind, NotificationState
    from notifications.models import Notification
    from notifications.services import store_and_enqueue, webhook_create

    server, received = _receiver()
    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    endpoint = webhook_create(user=user, url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    milestone = Milestone.objects.order_by("id").first()
    env = os.environ | {"EMAIL_URL": f"filemail://{mail_dir}", "WEBHOOK_ALLOW_LOOPBACK": "true"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "raa_tracker", "worker", "--loglevel=WARNING"]
        + [f"--concurrency={WORKER_CONCURRENCY}", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(5)  # let the worker connect; the notices wait on the queue meanwhile anyway
        rows = [
            Notification(
                key=f"bench:{n}",
                user=user,
                channel=Channel.EMAIL if n % 2 else Channel.WEBHOOK,
                endpoint=None if n % 2 else endpoint,
                kind=Kind.MILESTONE_DUE,
                milestone=milestone,
                lead_days=7,
            )
            for n in range(NOTICES)
        ]
        started = time.perf_counter()
        with transaction.atomic():
            store_and_enqueue(rows)
        deadline = time.monotonic() + 600
        while Notification.objects.filter(state=NotificationState.SENT).count() < NOTICES:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("the worker did not deliver every notice")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        server.shutdown()
    return {
        "notices": NOTICES,
        "seconds": round(elapsed, 2),
        "per_second": round(NOTICES / elapsed, 1),
        "webhooks_received": len(received),
        "emails_written": sum(path.read_text().count("Message-ID:") for path in mail_dir.iterdir()),
        "worker_concurrency": WORKER_CONCURRENCY,
    }


def main() -> None:
    """`python -m bench.sweep` measures the sweep; `python -m bench.sweep delivery` then the throughput."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raa_tracker.settings")
    django.setup()
    if sys.argv[1:] == ["delivery"]:
        from django.contrib.auth import get_user_model

        delivery = _measure_delivery(get_user_model().objects.get(username="sweep-watcher"))
        print(f"delivery: {delivery['per_second']} notices/s through a worker", flush=True)
        print(json.dumps({"delivery": delivery}))
        return
    from raa_tracker.celery import app

    app.conf["broker_url"] = "memory://"  # the sweep's own work is measured here, not a broker's
    small, large = SIZES[os.environ.get("BENCH_SCALE", "full")]
    _user, agreement_ids = _setup_registry()
    _add_background(small - DUE, agreement_ids)
    at_small = _measure_sweep() | {"milestones": small}
    print(f"sweep among {small:>9,} milestones: median {at_small['median_ms']} ms", flush=True)
    _add_background(large - small, agreement_ids)
    at_large = _measure_sweep() | {"milestones": large}
    print(f"sweep among {large:>9,} milestones: median {at_large['median_ms']} ms", flush=True)
    from notifications.models import Notification

    Notification.objects.all().delete()
    print(json.dumps({"sweep_small": at_small, "sweep_large": at_large}))


if __name__ == "__main__":
    main()
