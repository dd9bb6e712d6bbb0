"""Downloading a provider's avatar for a mapped file field, refusing private addresses (an
avatar URL comes from the provider, but a compromised provider must not probe the network)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from roost.oauth2.types import OAuth2Error

MAX_SIZE = 32 << 20  # bytes, PocketBase's default body limit
TIMEOUT = 10.0


async def _check_host(host: str, port: int) -> None:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise OAuth2Error(f"cannot resolve {host}") from exc
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if (
            ip.is_loopback
            or ip.is_unspecified
            or ip.is_private
            or ip.is_link_local
            or ip.is_multicast
            or ip.is_reserved
        ):
            raise OAuth2Error(f"address of {host} is not allowed")


async def download_avatar(url: str) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the image at `url`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OAuth2Error("invalid avatar URL")
    await _check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    import httpx  # on first use, as in client.py

    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as http:
            res = await http.get(url)
    except httpx.HTTPError as exc:
        raise OAuth2Error(f"avatar download failed: {exc}") from exc
    if res.status_code < 200 or res.status_code > 399 or len(res.content) > MAX_SIZE:
        raise OAuth2Error(f"avatar download answered {res.status_code}")
    name = os.path.basename(parts.path) or "avatar"
    return name, res.headers.get("content-type", "application/octet-stream"), res.content
