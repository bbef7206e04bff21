"""What the security and slow-body tests share: signing in with a cookie session, reading CSRF
tokens from pages, and HTTP over raw sockets so that nothing normalises what is sent or received."""
import re
import socket
import time

import requests

from crm_server import OWNER_EMAIL, OWNER_PASSWORD, CRMServer, free_port

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]*)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html) or CSRF_META.search(html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def sign_in_page(crm: CRMServer) -> tuple[requests.Session, str]:
    """A fresh browser-like session that has opened /sign-in, and the form's CSRF token."""
    session = requests.Session()
    page = session.get(f"{crm.base}/sign-in", timeout=30)
    assert page.status_code == 200, page.status_code
    return session, csrf_from(page.text)


def post_sign_in(crm: CRMServer, session: requests.Session, csrf: str, password: str = OWNER_PASSWORD,
                 next: str = "", headers: dict | None = None) -> requests.Response:
    form = {"email": OWNER_EMAIL, "password": password, "csrf_token": csrf, "next": next}
    return session.post(f"{crm.base}/sign-in", data=form, headers=headers or {}, allow_redirects=False, timeout=60)


def sign_in(crm: CRMServer) -> tuple[requests.Session, str]:
    """A signed-in cookie session and the CSRF token its pages carry after sign-in."""
    session, csrf = sign_in_page(crm)
    answer = post_sign_in(crm, session, csrf)
    assert answer.status_code == 303, f"sign-in answered {answer.status_code}"
    page = session.get(f"{crm.base}/students", timeout=30)
    assert page.status_code == 200 and "/sign-in" not in page.url, "not signed in after sign-in"
    return session, csrf_from(page.text)


def session_cookie(session: requests.Session) -> str:
    value = session.cookies.get("crm_session")
    assert value, "no crm_session cookie"
    return value


def cookie_header(session: requests.Session) -> str:
    """Every cookie the session holds, as a Cookie header (anonymous pages may set none, or others)."""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def add_student(crm: CRMServer, name: str = "Ada Student", **fields) -> dict:
    answer = crm.api.post(f"{crm.base}/api/students", json={"name": name, **fields}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def add_consultation(crm: CRMServer, student_id: str) -> dict:
    body = {"student_id": student_id, "type": "Thesis review", "consultation_date": "2030-01-15T10:00:00Z",
            "duration": 30, "notes": "", "follow_up_notes": ""}
    answer = crm.api.post(f"{crm.base}/api/consultations", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


# MARK: - Raw HTTP

class RawResponse:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes, head: bytes):
        self.status, self.headers, self.body, self.head = status, headers, body, head

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def summary(self) -> str:
        """The status and what the answer says: a JSON error, or an error page's message."""
        text = self.body.decode("utf-8", "replace")
        message = re.search(r'<p class="error-message">(.*?)</p>', text, re.S)
        return f"{self.status}: {message.group(1) if message else text[:200]}"


def request_head(method: str, path: str, port: int, headers: dict | None = None, body_length: int | None = None) -> bytes:
    """A request line and headers exactly as given (the path is sent byte for byte)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body_length is not None:
        lines.append(f"Content-Length: {body_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_response(sock: socket.socket) -> RawResponse:
    """Reads one response: the head, then Content-Length bytes of body (or up to the close)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a complete response head; got {data[:300]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    lengths = [int(v) for k, v in headers if k.lower() == "content-length"]
    while not lengths or len(body) < lengths[0]:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return RawResponse(status, headers, body, head)


def raw_request(port: int, data: bytes, timeout: float = 30) -> RawResponse:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_response(sock)


def send_slowly(port: int, head: bytes, body: bytes, piece: int, delay: float, timeout: float = 60) -> RawResponse:
    """Sends the head, then the body in `piece`-byte sends `delay` seconds apart, then reads the answer.
    A server that answers early (and may close) is fine: the answer is read whatever happens to the rest."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(head)
        try:
            for start in range(0, len(body), piece):
                time.sleep(delay)
                sock.sendall(body[start:start + piece])
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_response(sock)


# MARK: - A second process on the same database

class SecondServer(CRMServer):
    """Another `crm serve` on the same database as `crm`, on its own port; stopping it leaves the
    database to `crm`."""

    def __init__(self, crm: CRMServer, env: dict | None = None):  # noqa: super().__init__ would make a new database
        self.dir = crm.dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**crm.env, "PUBLIC_BASE_URL": self.base, **(env or {})}
        self.extra_args = ()
        self.log = open(f"{crm.dir.name}/serve-{self.port}.log", "w+")
        self.start()

    def stop(self) -> None:
        self.stop_process()


def wait_for_log(server, text: str, timeout: float = 5) -> str:
    """The server's log once it holds `text`: the app flushes its log at least twice a second, so a
    check of what the log does not hold must first see that the request was logged at all."""
    deadline = time.monotonic() + timeout
    while text not in server.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = server.output()
    assert text in log, f"the log never showed {text!r}"
    return log
