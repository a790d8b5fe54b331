"""The Celery application: configured from Django settings (CELERY_*), tasks in <app>/tasks.py."""

import logging
import os
from contextvars import Token
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import transaction

from . import provenance

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raa_tracker.settings")

app = Celery("raa_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_KEY = "worker-heartbeat"
log = logging.getLogger(__name__)

# What a task writes is logged as the worker's, under the task's name (raa_tracker.provenance); by task id,
# since a task run in a request's process (queue_after_commit's or_run_here) must give the request's back.
_task_contexts: dict[str, Token[provenance.WriteContext]] = {}


@task_prerun.connect
def _task_writes_as_worker(task_id: str, task: Any, **kwargs: Any) -> None:
    _task_contexts[task_id] = provenance.begin(
        channel=provenance.Channel.WORKER, system=task.name, request_id=task_id, token_name=""
    )


@task_postrun.connect
def _task_done(task_id: str, **kwargs: Any) -> None:
    token = _task_contexts.pop(task_id, None)
    if token is not None:
        provenance.end(token)


def queue_after_commit(task_name: str, *args: int, or_run_here: bool = False) -> None:
    """Queue the task of this name once the current transaction commits: how a lower app nudges a higher one
    that it may not import (negotiations tells notifications of a new status event). Queueing is only a nudge:
    with the broker down, or that app not installed, nothing is lost, since the higher app's periodic sweep
    finds the work in the database. With `or_run_here`, a task that cannot be queued runs in this process
    instead (for short work whose result should not wait for the sweep, such as storing an event's notices)."""
    if provenance.current().batch:
        return  # a bulk write: the sweep takes the work in batches, rather than a task per row
    transaction.on_commit(lambda: _queue(task_name, args, or_run_here))


def _queue(task_name: str, args: tuple[int, ...], or_run_here: bool) -> None:
    task = app.tasks.get(task_name)
    if task is None:
        log.warning("no task %s is registered; its periodic sweep will do the work", task_name)
        return
    try:
        task.apply_async(args)
        return
    except Exception as error:  # noqa: BLE001 - any broker failure; the periodic sweep does the work
        if not or_run_here:
            log.warning("could not queue %s%s (%s); its periodic sweep will do the work", task_name, args, error)
            return
        log.warning("could not queue %s%s (%s); running it here", task_name, args, error)
    try:
        task.apply(args, throw=True)
    except Exception:  # noqa: BLE001 - the request has committed; the periodic sweep does the work
        log.exception("%s%s failed here; its periodic sweep will do the work", task_name, args)


@app.task(name="raa_tracker.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every minute and stored by whichever worker runs it: /healthz?workers tells whether
    reminders can still go out, so that they never stop silently. Without a cache there is nowhere to store
    it; /healthz?workers then reports the cache as unavailable, and the next beat tries again."""
    from django.core.cache import cache
    from django.utils import timezone

    from raa_tracker.cache import CacheUnavailable

    try:
        cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
    except CacheUnavailable as error:
        logging.getLogger(__name__).warning("worker heartbeat not stored: %s", error)
