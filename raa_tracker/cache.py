"""The shared Redis cache, made to fail fast and soft.

Django's RedisCache waits as long as the operating system lets it: forever on a Redis that hangs (the kernel
still accepts the connection, nothing answers), and it raises redis-py's errors from every call. Here every
connection has short connect and socket timeouts, and a circuit breaker per process and server: after one
failure the cache is not touched again for CACHE_RETRY_SECONDS, so a hung Redis costs one timeout per
process per interval instead of one per call. Each call in that time raises CacheUnavailable at once, and a
warning is logged once per interval. Callers catch CacheUnavailable and go on without the cache: throttles
let the request through, the record cache computes, the sweep runs without its cache lock, and queueing a
notice gives up at once (notifications.tasks.QueuedFromRequests).

django-redis's IGNORE_EXCEPTIONS would turn every failure into a miss instead, but it pays the timeout on
every call and a miss cannot be told from an answer (`add()` returning False reads as "the lock is held").
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
T = TypeVar("T")
# What a Redis that is down, unreachable or hung raises; anything else (a wrong type, a bug) is not an outage.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):  # noqa: N818 - reads as a state, like Django's ImproperlyConfigured
    """The cache cannot be reached now; the caller goes on without it."""


class Breaker:
    """Open for CACHE_RETRY_SECONDS after a failure. Shared by the threads of a process, since Django gives each
    thread its own cache object. Once the interval ends one call probes the server; the others keep
    failing fast until it answers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.Lock()
        self.closed = True
        self.retry_at = 0.0

    def before_call(self) -> None:
        """Raise CacheUnavailable while open; let one caller through when the interval has ended."""
        if self.closed:
            return
        with self.lock:
            now = time.monotonic()
            if now < self.retry_at:
                raise CacheUnavailable(f"{self.name} failed recently; retrying in {self.retry_at - now:.1f} s")
            self.retry_at = now + settings.CACHE_RETRY_SECONDS  # this caller is the probe

    def failed(self, error: BaseException) -> None:
        with self.lock:
            self.closed = False
            self.retry_at = time.monotonic() + settings.CACHE_RETRY_SECONDS
        warn_once_per_interval(
            log,
            self.name,
            "%s unavailable (%s: %s); going on without it for %s s",
            self.name,
            type(error).__name__,
            error,
            settings.CACHE_RETRY_SECONDS,
        )

    def succeeded(self) -> None:
        if self.closed:
            return
        with self.lock:
            self.closed = True
        _warned.pop(self.name, None)
        log.info("%s answers again", self.name)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> Breaker:
    """The process's breaker for this server (named without its password, for the logs)."""
    with _breakers_lock:
        if location not in _breakers:
            host = location.rsplit("@", 1)[-1]
            _breakers[location] = Breaker(f"Redis at {host}")
        return _breakers[location]


_warned: dict[str, float] = {}


def warn_once_per_interval(logger: logging.Logger, topic: str, message: str, *args: object) -> None:
    """Log a warning about `topic` at most once per CACHE_RETRY_SECONDS in this process: an outage must be
    visible in the logs without writing a line per request."""
    now = time.monotonic()
    with _breakers_lock:
        if now < _warned.get(topic, 0.0):
            return
        _warned[topic] = now + settings.CACHE_RETRY_SECONDS
    logger.warning(message, *args)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache with bounded timeouts and the breaker (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        seconds = settings.CACHE_TIMEOUT_MS / 1000
        # socket_timeout also bounds the handshake (SELECT, CLIENT SETINFO) on a server that accepts but
        # never answers; no retries, so one call costs at most connect + one socket timeout.
        self._options: dict[str, Any] = {"socket_connect_timeout": seconds, "socket_timeout": seconds, **self._options}
        self.breaker = breaker_for(server if isinstance(server, str) else ",".join(server))

    def _guarded(self, call: Callable[[], T]) -> T:
        self.breaker.before_call()
        try:
            result = call()
        except OUTAGE_ERRORS as error:
            self.breaker.failed(error)
            raise CacheUnavailable(f"{self.breaker.name}: {error}") from error
        self.breaker.succeeded()
        return result

    def add(self, key: str, value: object, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version))

    def get(self, key: str, default: object = None, version: int | None = None) -> object:
        return self._guarded(lambda: super(ResilientRedisCache, self).get(key, default, version))

    def set(self, key: str, value: object, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).touch(key, timeout, version))

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).delete(key, version))

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        return self._guarded(lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).has_key(key, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._guarded(lambda: super(ResilientRedisCache, self).incr(key, delta, version))

    def set_many(
        self, data: dict[str, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        return self._guarded(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version))

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        self._guarded(lambda: super(ResilientRedisCache, self).delete_many(keys, version))

    def clear(self) -> bool:  # type: ignore[override]  # RedisCache.clear returns the client's bool; stubs say None
        return self._guarded(lambda: self._cache.clear())  # what RedisCache.clear runs
