"""The settings' say on each request, in PocketBase's order once the auth token is loaded:
superuser IPs (`superuserIPs`), then an API key's own rate limit, then the rate-limit rules.

Most routes are checked here against the labels `METHOD /path` and `/path`. The auth and
file routes (`COLLECTION_ROUTES`) and the record routes (checked by their handlers, after the
collection is found: `check_collection`) are checked against `collection:action` and
`*:action` labels first, with counters of their own per collection and route, as in
PocketBase. Limited responses carry the IETF `RateLimit-Policy` and `RateLimit` headers
(draft-ietf-httpapi-ratelimit-headers), and a 429 also `Retry-After`."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

from roost.core.app import App
from roost.core.collections import Collection
from roost.core.records import SUPERUSERS_ID
from roost.core.request_policy import Rule, ip_in
from roost.errors import Forbidden, NotFound, TooManyRequests
from roost.ratelimit import Hit
from roost.web import Request, Response, Router

Handler = Callable[[Request], Awaitable[Response]]

_AUTH = "/api/collections/{collection}/"
_FILES = "/api/files/{collection}/{recordId}/{filename...}"
# PocketBase's collectionPathRateLimit routes and their action tags; routes not built yet are
# picked up as soon as they exist
COLLECTION_ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", _AUTH + "auth-methods"): ("listAuthMethods",),
    ("POST", _AUTH + "auth-refresh"): ("authRefresh",),
    ("POST", _AUTH + "auth-with-password"): ("authWithPassword", "auth"),
    ("POST", _AUTH + "auth-with-oauth2"): ("authWithOAuth2", "auth"),
    ("POST", _AUTH + "request-otp"): ("requestOTP",),
    ("POST", _AUTH + "auth-with-otp"): ("authWithOTP", "auth"),
    ("POST", _AUTH + "request-password-reset"): ("requestPasswordReset",),
    ("POST", _AUTH + "confirm-password-reset"): ("confirmPasswordReset",),
    ("POST", _AUTH + "request-verification"): ("requestVerification",),
    ("POST", _AUTH + "confirm-verification"): ("confirmVerification",),
    ("POST", _AUTH + "request-email-change"): ("requestEmailChange",),
    ("POST", _AUTH + "confirm-email-change"): ("confirmEmailChange",),
    ("GET", _FILES): ("file",),
    ("HEAD", _FILES): ("file",),
}
_RECORDS = "/api/collections/{collection}/records"
# routes whose handlers call `check_collection` themselves (the batch API shares them)
RECORD_ROUTES = {
    ("GET", _RECORDS): "list",
    ("POST", _RECORDS): "create",
    ("GET", _RECORDS + "/{id}"): "view",
    ("PATCH", _RECORDS + "/{id}"): "update",
    ("DELETE", _RECORDS + "/{id}"): "delete",
}


def bind_collection_routes(router: Router, app: App) -> set[Handler]:
    """Put the collection check in front of the collection routes that exist; returns the
    handlers that the request-wide rule check must skip."""
    own: set[Handler] = set()
    for (method, path), tags in COLLECTION_ROUTES.items():
        route_id = f"{method} {path}"

        def wrap(handler: Handler, tags: tuple[str, ...] = tags, route_id: str = route_id) -> Handler:
            async def limited(request: Request) -> Response:
                coll = app.collection(request.path_params["collection"])
                if coll is None:
                    raise NotFound("Missing or invalid collection context.")
                if app.policy.limits_on:
                    await check_collection(app, request, coll, route_id, tags)
                return await handler(request)

            own.add(limited)
            return limited

        router.wrap(method, path, wrap)
    for method, path in RECORD_ROUTES:
        found = router.find(method, path)
        if found is not None:
            own.add(found)
    return own


def is_superuser(request: Request) -> bool:
    auth = request.auth
    return auth is not None and auth[0].id == SUPERUSERS_ID


def add_headers(request: Request, policy: bytes, hit: Hit) -> None:
    headers: list[tuple[bytes, bytes]] = request.state.setdefault("ratelimit_headers", [])
    name = policy.split(b";", 1)[0]
    reset = max(1, math.ceil(hit.reset))
    headers.append((b"ratelimit-policy", policy))
    headers.append((b"ratelimit", b"%s;r=%d;t=%d" % (name, hit.remaining, reset)))
    if not hit.allowed:
        headers.append((b"retry-after", b"%d" % reset))


async def _count(
    app: App, request: Request, bucket: str, policy: bytes, limit: int, window: int, headers: bool = True
) -> None:
    hit = await app.limiter.hit(bucket, limit, window)
    if headers:
        add_headers(request, policy, hit)
    if not hit.allowed:
        raise TooManyRequests()


async def check_request(app: App, request: Request, own_check: bool) -> None:
    """Superuser IPs, the API key's limit and (unless the route checks per collection) the
    request-wide rate-limit rule."""
    policy = app.policy
    superuser = is_superuser(request)
    if superuser and policy.superuser_nets and not policy.superuser_allowed(policy.real_ip(request)):
        raise Forbidden()
    key = request.state.get("api_key")
    if key is not None and key.get("rateLimit"):
        limit = key["rateLimit"]
        item = b'"api-key";q=%d;w=%d' % (limit["maxRequests"], limit["duration"])
        bucket = f"key|{key['apiKey']}|{limit['maxRequests']}/{limit['duration']}"
        await _count(app, request, bucket, item, limit["maxRequests"], limit["duration"])
    if own_check or not policy.limits_on or superuser:
        return
    path = request.path
    rule = policy.find_rule((f"{request.method} {path}", path), request.auth is not None)
    if rule is not None:
        ip = policy.real_ip(request)
        if ip and not ip_in(policy.excluded, ip):
            await _hit(app, request, rule, rule.name, ip)


async def check_collection(
    app: App,
    request: Request,
    coll: Collection,
    route_id: str,
    tags: tuple[str, ...],
    sub: tuple[str, str] | None = None,
) -> None:
    """The rule for `coll` and the action `tags` (PocketBase's checkCollectionRateLimit);
    `sub` is a batch sub-request's own (method, path)."""
    policy = app.policy
    if not policy.limits_on or is_superuser(request):
        return
    sub_request = sub is not None
    method, path = sub if sub is not None else (request.method, request.path)
    if len(tags) == 1:
        labels: Any = (f"{coll.name}:{tags[0]}", f"*:{tags[0]}", f"{method} {path}", path)
    else:
        labels = [f"{coll.name}:{t}" for t in tags] + [f"*:{t}" for t in tags] + [f"{method} {path}", path]
    rule = policy.find_rule(labels, request.auth is not None)
    if rule is None:
        return
    ip = policy.real_ip(request)
    if ip and not ip_in(policy.excluded, ip):
        bucket = f"{coll.id}|{route_id}|{'|'.join(tags)}|{rule.audience}"
        # a batch sub-request counts, but its headers would not describe the batch response
        await _hit(app, request, rule, bucket, ip, headers=not sub_request)


async def _hit(app: App, request: Request, rule: Rule, bucket: str, ip: str, headers: bool = True) -> None:
    key = f"{app.policy.generation}|{bucket}|{ip}"
    await _count(app, request, key, rule.policy, rule.max_requests, rule.duration, headers)


async def record_route(app: App, request: Request, coll: Collection, action: str) -> None:
    """For the record handlers: the rule for `action` on `coll` (a no-op with limits off)."""
    if app.policy.limits_on:
        await check_collection(app, request, coll, _ROUTE_IDS[action], (action,))


async def batch_route(app: App, request: Request, coll: Collection, action: str, path: str) -> None:
    """A batch sub-request counts as the record request it stands for (PocketBase runs the
    same handlers): labels from its own method and path, the outer request's auth and IP. Its
    counter is not the direct route's (PocketBase keys it by a route pattern sub-requests lack)."""
    if app.policy.limits_on:
        method = _ROUTE_IDS[action].split(" ", 1)[0]
        await check_collection(app, request, coll, "batch", (action,), (method, path))


_ROUTE_IDS = {action: f"{m} {p}" for (m, p), action in RECORD_ROUTES.items()}


def response_headers(request: Request) -> Any:
    return request.state.get("ratelimit_headers")
