"""Who is writing, and through which door: what every change row records besides the actor.

A service knows its actor (the user it acts for) but not how the write reached it. The door sets that here
once: the request middleware (dashboard, API or admin, and the request id), the API's token authentication
(the token's name), the Celery task hook (worker, with the task's name), a management command (command or
import, with its name). Services read it when they write their change rows (negotiations.changelog). It is a
context variable, so each request, task and thread has its own.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    DASHBOARD = "dashboard", _("dashboard")
    API = "api", _("API")
    ADMIN = "admin", _("admin")
    COMMAND = "command", _("command")
    IMPORT = "import", _("import")
    INTAKE = "intake", _("intake")  # a candidate fact from an article, accepted by its reviewer
    WORKER = "worker", _("worker")


@dataclass(frozen=True)
class WriteContext:
    channel: str = Channel.COMMAND  # a write from no known door (a shell, a script) counts as a command
    request_id: str = ""
    token_name: str = ""  # the API token the request was authenticated with, by its name
    system: str = ""  # the task or command that writes when no user does
    note: str = ""  # the change rows' message when the write gives none (an import: the file and its digest)
    # A bulk write (an import): what its writes nudge elsewhere is left to the periodic sweeps, which find the
    # work in the database in batches, instead of one queued task per row.
    batch: bool = False


_NO_DOOR = WriteContext()  # frozen: one shared default is safe
_current: ContextVar[WriteContext] = ContextVar("write_context", default=_NO_DOOR)

# A request id a client or proxy sends (X-Request-ID) is kept when it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def current() -> WriteContext:
    return _current.get()


def begin(**fields: str | bool) -> Token[WriteContext]:
    """Change the context from here on (until `end` with the returned token)."""
    return _current.set(replace(_current.get(), **fields))  # type: ignore[arg-type]


def end(token: Token[WriteContext]) -> None:
    _current.reset(token)


@contextmanager
def writing(**fields: str | bool) -> Iterator[WriteContext]:
    """`with writing(channel=Channel.COMMAND, system="seed"):` — the writes inside come through that door."""
    token = begin(**fields)
    try:
        yield _current.get()
    finally:
        end(token)


def request_id_from(header: str | None) -> str:
    """The request id to log and return: the client's own if it is well formed, else a new one."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex
