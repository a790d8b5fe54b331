"""A real HTTP server on a free loopback port, in a thread, for the tests of outbound fetches.

Each path answers as its Route says: a body (RSS, Atom, HTML, anything), a status and headers, 304 when the
request's If-None-Match matches the route's ETag, a pause before answering (longer than a timeout), a body
streamed without a length (10 MB), a body dripped a few bytes at a time, or a wait at a barrier so that two
requests are answered at the same moment. Every request is recorded (path and headers).
"""

import http.server
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""  # answer 304 when If-None-Match is this
    delay: float = 0  # seconds before the status line
    stream_bytes: int = 0  # send this many bytes, without Content-Length, instead of the body
    drip_seconds: float = 0  # pause between bytes of the body
    barrier: threading.Barrier | None = None  # wait here before answering


@dataclass
class Seen:
    path: str
    headers: Message


class LocalServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a handler still pausing must not hold the fixture's teardown
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.port = self.httpd.server_address[1]
        self.host_port = f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host_port}{path}"

    def route(self, path: str, body: bytes | str = b"", **options: object) -> str:
        """Serve this path as described; returns its full address."""
        self.routes[path] = Route(body=body.encode() if isinstance(body, str) else body, **options)  # type: ignore[arg-type]
        return self.url(path)

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]


def _handler(server: LocalServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the connection closes after each answer, so a body needs no length

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            server.requests.append(Seen(self.path, self.headers))
            route = server.routes.get(self.path)
            if route is None:
                self._answer(404, {"Content-Type": "text/plain"}, b"not found")
                return
            if route.barrier is not None:
                route.barrier.wait(timeout=10)
            if route.delay and server.stopping.wait(route.delay):
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self._answer(304, {"ETag": route.etag}, b"")
                return
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
            try:
                if route.stream_bytes:
                    self._stream(route.status, headers, route.stream_bytes)
                elif route.drip_seconds:
                    self._drip(route.status, headers, route.body, route.drip_seconds)
                else:
                    self._answer(route.status, headers, route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading, as it should when a body is too large

        def _start(self, status: int, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()

        def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self._start(status, {"Content-Length": str(len(body)), **headers})
            self.wfile.write(body)

        def _stream(self, status: int, headers: dict[str, str], size: int) -> None:
            self._start(status, headers)
            chunk = b"<item>" + b"x" * (64 * 1024 - 13) + b"</item>"
            sent = 0
            while sent < size and not server.stopping.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)

        def _drip(self, status: int, headers: dict[str, str], body: bytes, pause: float) -> None:
            self._start(status, {"Content-Length": str(len(body)), **headers})
            for index in range(len(body)):
                if server.stopping.wait(pause):
                    return
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            pass

    return Handler


@contextmanager
def local_server(tls: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    """A running server (HTTPS with a TLS context); stopped, its pausing handlers released, on the way out."""
    server = LocalServer(tls)
    thread = threading.Thread(target=server.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join(timeout=5)
