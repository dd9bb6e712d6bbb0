"""A local HTTP server that plays an OAuth2 provider for the tests: a real server on a free port
(stdlib, in a thread) answering the token endpoint, user-info endpoints and a JWKS with the JSON
a test gives it, and keeping every request it received. Roost's (or PocketBase's) own HTTP code
talks to it exactly as to the real provider.

It also signs id_tokens: RS256 with a key published at /jwks (kid "k1"), or with a second key
that is not published, to check signature verification."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TOKEN_PATH = "/token"
JWKS_PATH = "/jwks"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Playback:
    url: str = ""
    token: dict[str, Any] = field(default_factory=dict)
    # path -> (status, JSON body)
    routes: dict[str, tuple[int, Any]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    key: Any = None
    other_key: Any = None  # signs tokens the published JWKS cannot verify

    def reset(self, token: dict[str, Any] | None = None, routes: dict[str, Any] | None = None) -> None:
        self.token = {"access_token": "at-123", "token_type": "Bearer", **(token or {})}
        self.routes = {path: (200, body) for path, body in (routes or {}).items()}
        self.seen.clear()

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}

    def id_token(self, claims: dict[str, Any], *, kid: str = "k1", unpublished: bool = False) -> str:
        now = int(time.time())
        body = {k: v for k, v in {"iat": now, "exp": now + 600, **claims}.items() if v is not None}
        key = self.other_key if unpublished else self.key
        return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _handler(playback: Playback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            playback.seen.append(
                Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            if parts.path == TOKEN_PATH:
                status, payload = 200, playback.token
            elif parts.path == JWKS_PATH:
                status, payload = 200, playback.jwks()
            else:
                status, payload = playback.routes.get(parts.path, (404, {"error": "not found"}))
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

    return Handler


@contextmanager
def run_playback() -> Iterator[Playback]:
    playback = Playback(
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        other_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(playback))
    playback.url = f"http://127.0.0.1:{server.server_address[1]}"
    playback.reset()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield playback
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
