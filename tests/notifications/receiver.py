"""A webhook receiver on loopback for the tests: records each request and answers with a scripted status."""

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in order; 200 once the list is used up
    delay_first: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered_ids(self) -> list[str]:
        """webhook-ids of the requests answered 2xx, i.e. the notices this receiver accepted."""
        return [r.headers["webhook-id"] for r in self.requests if r.headers.get("_answered", 0) < 300]


@contextmanager
def webhook_receiver(statuses: list[int] | None = None, delay_first: float = 0.0) -> Iterator[Receiver]:
    receiver = Receiver(url="", statuses=list(statuses or []), delay_first=delay_first)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                first = not receiver.requests
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                entry = Received({k.lower(): v for k, v in self.headers.items()} | {"_answered": status}, body)
                receiver.requests.append(entry)
            if first and receiver.delay_first:
                time.sleep(receiver.delay_first)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
