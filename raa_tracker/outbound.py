"""Requests this server makes to addresses that users or feeds chose: guarded against server-side request forgery.

An address is refused unless it is http(s) and every address its host resolves to is public (loopback is let
through only when the caller allows it, for development and tests; OUTBOUND_ALLOWED_ADDRESSES lets exactly the
listed host:port pairs through, for the tests' own servers). `fetch` is the one guarded GET: it checks every
redirect hop, connects to the very address it checked (so that a second DNS answer cannot point it elsewhere),
reads at most `max_bytes` and gives up after `timeout` seconds in all. Every failure is an `OutboundError` with
a short message for a person.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024
USER_AGENT = "raa-tracker/1"
# Characters left as they are when a path or query is made ASCII for the request line (RFC 3986's reserved ones).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class OutboundError(Exception):
    """Any failure of an outbound request: refused address, DNS, connection, timeout, size, redirects."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotHttpAddress(OutboundError):
    pass


class HostNotFound(OutboundError):
    pass


class AddressRefused(OutboundError):
    """The host resolves to an address this server must not call; `address` is that address."""

    def __init__(self, message: str, address: str) -> None:
        super().__init__(message)
        self.address = address


@dataclass(frozen=True)
class Target:
    """A checked address: where to connect (`addresses`, in resolver order) and what to call the host."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Response:
    status: int
    url: str  # the final address, after redirects
    headers: http.client.HTTPMessage  # case-insensitive: headers.get("ETag")
    body: bytes


def _allowed_pairs() -> set[tuple[str, int]]:
    """OUTBOUND_ALLOWED_ADDRESSES as (host, port) pairs; hosts lower-case, IPv6 without brackets."""
    pairs = set()
    for entry in settings.OUTBOUND_ALLOWED_ADDRESSES:
        host, _colon, port = entry.strip().rpartition(":")
        if host and port.isdigit():
            pairs.add((host.strip("[]").lower(), int(port)))
    return pairs


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if address.is_loopback:
        return not allow_loopback
    return (
        not address.is_global
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def check_outbound_url(url: str, *, allow_loopback: bool = False) -> Target:
    """The checked target of an http(s) URL; raises OutboundError when it is not one this server may call.

    Every address the host resolves to is checked, not only the first: a host with one public and one private
    address is refused, since the connection could go to either.
    """
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise NotHttpAddress(_("Give an http:// or https:// address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotHttpAddress(_("Give an http:// or https:// address."))
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise HostNotFound(_("The host name does not resolve.")) from None
    allowed = _allowed_pairs()
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # an IPv6 scope (fe80::1%eth0) is not part of the address
        address = ipaddress.ip_address(text)
        listed = (host.lower(), port) in allowed or (address.compressed, port) in allowed
        if not listed and _refused(address, allow_loopback):
            raise AddressRefused(
                _("Requests to private or local addresses are refused (%(address)s).") % {"address": address},
                address=str(address),
            )
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise HostNotFound(_("The host name does not resolve."))
    return Target(scheme=parts.scheme, host=host, port=port, addresses=tuple(addresses))


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, host names checked (the tests trust their own authority here)."""
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the resolver would answer now; Host stays the name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def _open_socket(self) -> socket.socket:
        last: OSError | None = None
        for address in self.target.addresses:
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
            except OSError as error:
                last = error
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        assert last is not None  # Target.addresses is never empty
        raise last

    def connect(self) -> None:
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """As above, with TLS: the certificate is checked against the host name (SNI too), not the address."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target, timeout)
        self.tls = tls_context()

    def connect(self) -> None:
        self.sock = self.tls.wrap_socket(self._open_socket(), server_hostname=self.host)


def _request_target(url: str) -> str:
    """The path and query of the request line, in ASCII (an address may carry non-ASCII or spaces)."""
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    return path + ("?" + quote(parts.query, safe=_QUERY_SAFE) if parts.query else "")


class _Deadline:
    """The end of the whole exchange. A watchdog shuts the socket at that moment, so that no phase outlasts it:
    a socket timeout alone restarts with each byte received, and a server dripping bytes would never end."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def expired(self) -> bool:
        return time.monotonic() >= self.ends

    def error(self) -> OutboundError:
        return OutboundError(_("No answer within %(seconds)s s.") % {"seconds": _number(self.seconds)})

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    @contextmanager
    def watching(self, connection: http.client.HTTPConnection) -> Iterator[None]:
        def cut() -> None:
            if connection.sock is not None:
                with suppress(OSError):  # the plain shutdown(2), also under TLS: the blocked read returns
                    socket.socket.shutdown(connection.sock, socket.SHUT_RDWR)

        watchdog = threading.Timer(self.remaining(), cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            yield
        finally:
            watchdog.cancel()


def _number(seconds: float) -> str:
    return f"{seconds:g}"


def _too_large(max_bytes: int) -> OutboundError:
    return OutboundError(_("The answer is larger than %(bytes)s bytes.") % {"bytes": f"{max_bytes:,}"})


def _read_body(response: http.client.HTTPResponse, deadline: _Deadline, max_bytes: int) -> bytes:
    """The body, decompressed when the server compressed it, never more than max_bytes of either."""
    declared = response.getheader("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise OutboundError(_("The answer is encoded as %(encoding)s, which is not read.") % {"encoding": encoding})
    # wbits 47: a gzip or a zlib header, whichever the server sent.
    inflater = zlib.decompressobj(47) if encoding != "identity" else None
    chunks: list[bytes] = []
    size = 0
    while True:
        deadline.remaining()
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            break
        if inflater is not None:
            try:
                chunk = inflater.decompress(chunk, max_bytes + 1 - size)
            except zlib.error:
                raise OutboundError(_("The answer's compression is damaged.")) from None
            if inflater.unconsumed_tail:
                raise _too_large(max_bytes)
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    if deadline.expired():  # the watchdog cut the connection: what came is not the whole body
        raise deadline.error()
    if inflater is not None:
        chunks.append(inflater.flush())
        if size + len(chunks[-1]) > max_bytes:
            raise _too_large(max_bytes)
    return b"".join(chunks)


def _get_once(
    url: str, deadline: _Deadline, max_bytes: int, headers: dict[str, str], allow_loopback: bool
) -> tuple[int, http.client.HTTPMessage, bytes]:
    target = check_outbound_url(url, allow_loopback=allow_loopback)
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout=deadline.remaining())
    try:
        with deadline.watching(connection):
            connection.request("GET", _request_target(url), headers=headers)
            response = connection.getresponse()
            if response.status in REDIRECT_STATUSES:
                return response.status, response.headers, b""
            return response.status, response.headers, _read_body(response, deadline, max_bytes)
    finally:
        connection.close()


def _failure(error: Exception, deadline: _Deadline) -> OutboundError:
    """The short message of a failed exchange."""
    if deadline.expired() or isinstance(error, TimeoutError):
        return deadline.error()
    if isinstance(error, ssl.SSLError):
        return OutboundError(_("Secure connection failed: %(reason)s") % {"reason": error.reason or error})
    if isinstance(error, ConnectionRefusedError):
        return OutboundError(_("The server refused the connection."))
    return OutboundError(_("The request failed: %(reason)s") % {"reason": str(error) or type(error).__name__})


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int = 5,
    headers: dict[str, str] | None = None,
    allow_loopback: bool = False,
) -> Response:
    """GET the URL, following up to max_redirects redirects, each hop checked like the first.

    Any status other than a redirect is returned as it is (304 and 404 included); the caller decides. The
    whole exchange, redirects included, takes at most `timeout` seconds, so a server that sends one byte a
    second cannot hold a worker. (DNS resolution is the system resolver's and keeps its own timeouts.)
    """
    deadline = _Deadline(timeout)
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **(headers or {})}
    for _hop in range(max_redirects + 1):
        try:
            status, answer_headers, body = _get_once(url, deadline, max_bytes, sent, allow_loopback)
        except OutboundError:
            raise
        except (http.client.HTTPException, OSError, ValueError) as error:
            raise _failure(error, deadline) from None
        if status not in REDIRECT_STATUSES:
            return Response(status=status, url=url, headers=answer_headers, body=body)
        location = answer_headers.get("Location", "").strip()
        if not location:
            raise OutboundError(_("A redirect without a Location header."))
        url = urljoin(url, location)
    raise OutboundError(_("More than %(count)s redirects.") % {"count": max_redirects})
