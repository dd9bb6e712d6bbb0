"""What the settings say about every request, compiled once per settings change:

- `trustedProxy`: which header names the client's IP (`real_ip`), as PocketBase's RealIP;
- `superuserIPs`: the IPs and subnets superusers may call from;
- `rateLimits`: the rules, found for a request with PocketBase's precedence (`find_rule`).

Rule precedence (PocketBase's FindRateLimitRule): the request's labels are tried in order
(`users:auth`-style labels first, then `*:auth`, then `METHOD /path`, then `/path`); for each,
the first rule with exactly that label and a matching audience wins, else the first rule whose
label ends with `/` and is a prefix of the label plus `/`."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from roost.web import Request

AUDIENCES = ("", "@guest", "@auth")
_AUTH_AUDIENCES = ("", "@auth")
_GUEST_AUDIENCES = ("", "@guest")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(slots=True, frozen=True)
class Rule:
    label: str
    audience: str
    duration: int
    max_requests: int
    policy: bytes  # the RateLimit-Policy header item: "label";q=N;w=D

    @property
    def name(self) -> str:
        return self.label + self.audience


def parse_ip_or_subnet(value: str) -> Network | None:
    """An IP or a CIDR subnet (an IP is a one-address subnet), or None when it is neither."""
    try:
        if "/" in value:
            bits = value.rsplit("/", 1)[1]
            if not bits.isdigit() or (len(bits) > 1 and bits[0] == "0"):
                return None
            return ipaddress.ip_network(value, strict=False)
        return ipaddress.ip_network(ipaddress.ip_address(value))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def expanded_ip(text: str) -> str:
    """The address as PocketBase prints it (Go's StringExpanded): IPv4 dotted, IPv6 in full."""
    try:
        return ipaddress.ip_address(text).exploded
    except ValueError:
        return ""


@functools.lru_cache(maxsize=4096)
def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip)
    except ValueError:
        return None


def ip_in(networks: Sequence[Network], ip: str) -> bool:
    if not networks or not ip:
        return False
    addr = _address(ip)
    return addr is not None and any(addr.version == net.version and addr in net for net in networks)


def _networks(values: Any) -> tuple[Network, ...]:
    out = []
    for value in values or ():
        net = parse_ip_or_subnet(str(value))
        if net is not None:
            out.append(net)
    return tuple(out)


def _policy_item(label: str, audience: str, max_requests: int, duration: int) -> bytes:
    # a structured-field string: labels never hold `"` or `\` (their format forbids them)
    return f'"{label}{audience}";q={max_requests};w={duration}'.encode()


class RequestPolicy:
    """The compiled request settings. `active` is False when nothing here can change a
    request's outcome (no rate limits, no superuser IP list): the request path then skips it."""

    __slots__ = (
        "_exact",
        "_prefix",
        "active",
        "excluded",
        "generation",
        "leftmost",
        "limits_on",
        "proxy_headers",
        "rules",
        "superuser_nets",
    )

    def __init__(self, settings: dict[str, Any]) -> None:
        limits = settings.get("rateLimits") or {}
        proxy = settings.get("trustedProxy") or {}
        self.rules: tuple[Rule, ...] = tuple(
            Rule(
                str(r.get("label", "")),
                str(r.get("audience", "")),
                int(r.get("duration") or 0),
                int(r.get("maxRequests") or 0),
                _policy_item(
                    str(r.get("label", "")),
                    str(r.get("audience", "")),
                    int(r.get("maxRequests") or 0),
                    int(r.get("duration") or 0),
                ),
            )
            for r in limits.get("rules") or ()
            if isinstance(r, dict)
        )
        self.limits_on = bool(limits.get("enabled")) and bool(self.rules)
        self._exact: dict[str, list[Rule]] = {}
        for rule in self.rules:
            self._exact.setdefault(rule.label, []).append(rule)
        self._prefix = tuple(r for r in self.rules if r.label.endswith("/"))
        self.excluded = _networks(limits.get("excludedIPs"))
        self.superuser_nets = _networks(settings.get("superuserIPs"))
        self.proxy_headers = tuple(str(h).lower() for h in proxy.get("headers") or () if h)
        self.leftmost = bool(proxy.get("useLeftmostIP"))
        self.active = self.limits_on or bool(self.superuser_nets)
        # counters are kept per rule set: changed rules start counting afresh (as PocketBase
        # resets its limiters on a settings change), on every instance sharing them
        self.generation = hashlib.sha256(orjson.dumps(limits.get("rules") or [])).hexdigest()[:10]

    def find_rule(self, labels: Sequence[str], authed: bool) -> Rule | None:
        audiences = _AUTH_AUDIENCES if authed else _GUEST_AUDIENCES
        for label in labels:
            for rule in self._exact.get(label, ()):
                if rule.audience in audiences:
                    return rule
            if self._prefix:
                slashed = label + "/"
                for rule in self._prefix:
                    if slashed.startswith(rule.label) and rule.audience in audiences:
                        return rule
        return None

    def real_ip(self, request: Request) -> str:
        """The client's IP: from the first trusted proxy header present (its rightmost valid
        address, or leftmost with `useLeftmostIP`), else the connection's peer."""
        cached: str | None = request.state.get("real_ip")
        if cached is not None:
            return cached
        ip = ""
        if self.proxy_headers:
            headers = request.headers
            for name in self.proxy_headers:
                ip = self._proxied_ip(headers.get(name))
                if ip:
                    break
        if not ip:
            ip = expanded_ip(request.client_ip)
        request.state["real_ip"] = ip
        return ip

    def real_ip_of(self, raw_headers: Sequence[tuple[bytes, bytes]], peer: str) -> str:
        """`real_ip` from a request's raw ASGI headers and socket peer, for code that runs after
        the request is gone (the request log's writer, off the request path); `peer` as given
        when no trusted header names one."""
        for name in self.proxy_headers:
            wanted, value = name.encode("latin-1"), None
            for key, raw in raw_headers:
                if key.lower() == wanted:
                    value = raw  # the last one, as `request.headers` and PocketBase take it
            ip = self._proxied_ip(value.decode("latin-1") if value is not None else None)
            if ip:
                return ip
        return peer

    def _proxied_ip(self, value: str | None) -> str:
        """The client's address in a trusted proxy header: its rightmost valid one (the one the
        proxy added), or leftmost with `useLeftmostIP`; "" when none is valid."""
        if not value:
            return ""
        parts = value.split(",")
        for part in parts if self.leftmost else reversed(parts):
            ip = expanded_ip(part.strip())
            if ip:
                return ip
        return ""

    def superuser_allowed(self, ip: str) -> bool:
        return not self.superuser_nets or ip_in(self.superuser_nets, ip)
