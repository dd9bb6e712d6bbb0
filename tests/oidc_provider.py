"""A real OpenID Connect provider for the tests: panva's oidc-provider (tests/oidc/provider.mjs)
in a node process on 127.0.0.1, and a browser stand-in that signs in and consents over HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "roost-test"
CLIENT_SECRET = "roost-test-secret-value"
REDIRECT_URI = "http://127.0.0.1:1/cb"

_FORM_RE = re.compile(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", re.S | re.I)
_INPUT_RE = re.compile(r"<input([^>]*)>", re.I)
_ATTR_RE = re.compile(r"(\w+)=\"([^\"]*)\"")


@dataclass
class OIDCProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def auth_url(self) -> str:
        return self.issuer + "/auth"

    @property
    def token_url(self) -> str:
        return self.issuer + "/token"

    @property
    def userinfo_url(self) -> str:
        return self.issuer + "/me"

    def config(self, name: str = "oidc", userinfo: bool = True) -> dict[str, object]:
        """The provider entry of a collection's `oauth2.providers`."""
        return {
            "name": name,
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "authURL": self.auth_url,
            "tokenURL": self.token_url,
            "userInfoURL": self.userinfo_url if userinfo else "",
        }


@contextmanager
def run_provider(redirect_uris: list[str] | None = None) -> Iterator[OIDCProvider]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("the OIDC tests need node and tests/oidc/node_modules (run scripts/install)")
    env = {
        **os.environ,
        "OIDC_PORT": "0",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris or [REDIRECT_URI]),
    }
    proc = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the OIDC provider did not start")
        yield OIDCProvider(json.loads(line)["issuer"])
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _form(html: str, base: str) -> tuple[str, dict[str, str]]:
    m = _FORM_RE.search(html)
    if m is None:
        raise AssertionError(f"no form on the provider page: {html[:300]}")
    fields: dict[str, str] = {}
    for raw in _INPUT_RE.findall(m.group(2)):
        attrs = dict(_ATTR_RE.findall(raw))
        if "name" in attrs:
            fields[attrs["name"]] = unescape(attrs.get("value", ""))
    return urljoin(base, unescape(m.group(1))), fields


async def sign_in(auth_url: str, login: str, redirect_uri: str = REDIRECT_URI) -> dict[str, str]:
    """Walk the provider's login and consent pages as a browser would; the query the provider
    sends back to `redirect_uri` (code, state, iss, or error)."""
    async with httpx.AsyncClient(timeout=10) as browser:
        url, method, data = auth_url, "GET", None
        for _ in range(20):
            res = await browser.request(method, url, data=data)
            if res.status_code in (302, 303, 307):
                location = urljoin(url, res.headers["location"])
                if location.startswith(redirect_uri):
                    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
                url, method, data = location, "GET", None
                continue
            assert res.status_code == 200, (res.status_code, res.text[:300])
            url, fields = _form(res.text, url)
            if "login" in fields:
                fields["login"] = login
            if "password" in fields:
                fields["password"] = "any"
            method, data = "POST", fields
        raise AssertionError("the provider never redirected back")
