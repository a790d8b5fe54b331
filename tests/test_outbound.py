"""The outbound guard and its guarded GET, against a real server on loopback (let through by exactly its
host:port) and addresses that must be refused."""

import gzip
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from raa_tracker import outbound
from raa_tracker.outbound import AddressRefused, HostNotFound, NotHttpAddress, OutboundError, check_outbound_url, fetch
from tests.conftest import need_service
from tests.intake.httpserver import LocalServer, local_server
from tests.processes import free_port


@pytest.fixture
def server(settings: object) -> Iterator[LocalServer]:
    with local_server() as running:
        settings.OUTBOUND_ALLOWED_ADDRESSES = [running.host_port]
        yield running


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    """A second loopback server, on a port that is not let through."""
    with local_server() as running:
        yield running


def get(url: str, **options: object) -> object:
    return fetch(url, **{"timeout": 2, "max_bytes": 100_000, **options})


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.5/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
    ],
)
def test_private_local_and_reserved_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        check_outbound_url(url)
    assert "private or local addresses are refused" in refused.value.message


def test_loopback_is_let_through_only_when_allowed() -> None:
    assert check_outbound_url("http://127.0.0.1:8000/", allow_loopback=True).addresses == ("127.0.0.1",)
    with pytest.raises(AddressRefused):
        check_outbound_url("http://10.0.0.1/", allow_loopback=True)


def test_a_public_address_passes_and_is_what_will_be_connected_to() -> None:
    target = check_outbound_url("https://93.184.215.14:8443/path")
    assert (target.scheme, target.host, target.port, target.addresses) == (
        "https",
        "93.184.215.14",
        8443,
        ("93.184.215.14",),
    )


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x/", "http:///nohost", "http://x:99999/"]
)
def test_only_http_and_https_addresses(url: str) -> None:
    with pytest.raises(NotHttpAddress):
        check_outbound_url(url)


def test_a_host_that_does_not_resolve() -> None:
    with pytest.raises(HostNotFound, match="does not resolve"):
        check_outbound_url("http://no-such-host.invalid/")


def test_allowed_addresses_let_through_exactly_their_port(settings: object) -> None:
    settings.OUTBOUND_ALLOWED_ADDRESSES = ["127.0.0.1:8123", "[::1]:8124"]
    assert check_outbound_url("http://127.0.0.1:8123/").addresses == ("127.0.0.1",)
    assert check_outbound_url("http://[::1]:8124/").addresses == ("::1",)
    for url in ["http://127.0.0.1:8124/", "http://127.0.0.1/", "http://[::1]:8123/"]:
        with pytest.raises(AddressRefused):
            check_outbound_url(url)


def test_fetch_returns_status_headers_and_body(server: LocalServer) -> None:
    url = server.route("/page", "<p>hello</p>", headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'})
    response = get(url, headers={"X-Test": "yes"})
    assert (response.status, response.url, response.body) == (200, url, b"<p>hello</p>")
    assert response.headers.get("etag") == '"v1"'
    sent = server.requests[0].headers
    assert sent["X-Test"] == "yes" and sent["User-Agent"].startswith("raa-tracker")


def test_errors_are_returned_not_raised(server: LocalServer) -> None:
    assert get(server.url("/missing")).status == 404


def test_redirects_are_followed_and_each_hop_is_checked(server: LocalServer, other_server: LocalServer) -> None:
    final = server.route("/final", "done")
    server.route("/one", status=302, headers={"Location": "/two"})
    server.route("/two", status=301, headers={"Location": final})
    response = get(server.url("/one"))
    assert (response.status, response.url, response.body) == (200, final, b"done")

    other_server.route("/secret", "internal")
    server.route("/away", status=307, headers={"Location": other_server.url("/secret")})
    with pytest.raises(AddressRefused, match=r"127\.0\.0\.1"):
        get(server.url("/away"))
    assert other_server.requests == [], "the refused hop was never requested"

    server.route("/private", status=302, headers={"Location": "http://10.0.0.1/"})
    with pytest.raises(AddressRefused, match=r"10\.0\.0\.1"):
        get(server.url("/private"))


def test_redirect_loops_end(server: LocalServer) -> None:
    server.route("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(OutboundError, match="More than 3 redirects"):
        get(server.url("/loop"), max_redirects=3)
    assert len(server.requests) == 4


def test_a_declared_oversize_body_is_refused_before_reading(server: LocalServer) -> None:
    server.route("/big", b"x" * 200_000)
    with pytest.raises(OutboundError, match="larger than 100,000 bytes"):
        get(server.url("/big"))


def test_ten_megabytes_without_a_length_are_never_read_into_memory(server: LocalServer) -> None:
    server.route("/stream", stream_bytes=10_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(OutboundError, match="larger than 1,000,000 bytes"):
            get(server.url("/stream"), max_bytes=1_000_000)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000, f"peak {peak:,} bytes"


def test_gzip_is_decompressed_within_the_limit(server: LocalServer) -> None:
    server.route("/zipped", gzip.compress(b"feed " * 1000), headers={"Content-Encoding": "gzip"})
    assert get(server.url("/zipped")).body == b"feed " * 1000
    server.route("/bomb", gzip.compress(b"\0" * 5_000_000), headers={"Content-Encoding": "gzip"})
    with pytest.raises(OutboundError, match="larger than 100,000 bytes"):
        get(server.url("/bomb"))


def test_a_server_that_does_not_answer_times_out(server: LocalServer) -> None:
    server.route("/slow", "late", delay=5)
    started = time.monotonic()
    with pytest.raises(OutboundError, match="No answer within 0.5 s"):
        get(server.url("/slow"), timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_a_body_dripped_slowly_is_cut_off_by_the_whole_deadline(server: LocalServer) -> None:
    """Each byte comes well within the timeout; the whole answer does not."""
    server.route("/drip", "x" * 100, drip_seconds=0.05)
    started = time.monotonic()
    with pytest.raises(OutboundError, match="No answer within 1 s"):
        get(server.url("/drip"), timeout=1)
    assert time.monotonic() - started < 2


def test_a_closed_port_is_a_clear_error(settings: object) -> None:
    port = free_port()
    settings.OUTBOUND_ALLOWED_ADDRESSES = [f"127.0.0.1:{port}"]
    with pytest.raises(OutboundError, match="refused the connection"):
        get(f"http://127.0.0.1:{port}/")


def test_the_checked_address_is_the_one_connected_to(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """DNS rebinding: the name resolves to the allowed server when checked, then to a private address. The
    request goes to the checked address, with the name in its Host header."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host == "rebinding.test":
            return real(next(answers, "10.255.255.1"), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    settings.OUTBOUND_ALLOWED_ADDRESSES = [server.host_port]
    server.route("/pinned", "pinned")
    response = get(f"http://rebinding.test:{server.port}/pinned")
    assert response.body == b"pinned"
    assert server.requests[0].headers["Host"] == f"rebinding.test:{server.port}"
    with pytest.raises(AddressRefused, match=r"10\.255\.255\.1"):
        check_outbound_url(f"http://rebinding.test:{server.port}/pinned")


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A certificate authority and a certificate it signed for feeds.test: (authority, certificate, key)."""
    if shutil.which("openssl") is None:
        need_service("openssl is not installed")

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], cwd=tmp_path, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
            "-subj", "/CN=Test authority")  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=feeds.test"
    )
    (tmp_path / "san.cnf").write_text("subjectAltName=DNS:feeds.test\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "site.pem", "-days", "1", "-extfile", "san.cnf")  # fmt: skip
    return tmp_path / "ca.pem", tmp_path / "site.pem", tmp_path / "site.key"


def test_https_is_pinned_and_checks_the_certificate_against_the_name(
    certificates: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """The connection goes to the checked address; TLS names and verifies the host, not the address."""
    authority, certificate, key = certificates
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificate, key)
    real = socket.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> list:
        return real("127.0.0.1" if host in ("feeds.test", "other.test") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with local_server(tls) as secure:
        secure.route("/rss", "<rss/>")
        settings.OUTBOUND_ALLOWED_ADDRESSES = [secure.host_port]
        with pytest.raises(OutboundError, match="CERTIFICATE_VERIFY_FAILED"):  # an authority no system trusts
            get(f"https://feeds.test:{secure.port}/rss")
        monkeypatch.setattr(outbound, "tls_context", lambda: ssl.create_default_context(cafile=authority))
        assert get(f"https://feeds.test:{secure.port}/rss").body == b"<rss/>"
        with pytest.raises(OutboundError, match="CERTIFICATE_VERIFY_FAILED"):  # the certificate is not other.test's
            get(f"https://other.test:{secure.port}/rss")
        assert [seen.headers["Host"] for seen in secure.requests] == [f"feeds.test:{secure.port}"]
