"""Who receives a record event, and the record as each of them may see it.

Subscribers are checked in groups: everyone with the same auth, rule and filter (and the
request values those read) gets the same answer, so an event costs one query per group and
none at all where the rule is empty and there is no filter; per client there is no work but
a dict lookup and the send itself. The delivered record is built
once per (auth, expand, fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from roost.core.app import App
from roost.core.collections import Collection
from roost.core.fields_param import parse_fields, pick
from roost.core.record_resolver import RequestInfo
from roost.core.records import Caller, expand_records, is_manager, to_json
from roost.errors import RoostError
from roost.realtime import Client, ClientRegistry, Subscription

LIST_RULE, VIEW_RULE = "listRule", "viewRule"


@dataclass(frozen=True, slots=True)
class Auth:
    """A client's auth state: the auth record as of the subscribe request (kept up to date)."""

    collection_id: str
    record: dict[str, Any]

    @property
    def identity(self) -> tuple[str, str]:
        return self.collection_id, self.record["id"]


def topics_for(coll: Collection, record_id: str) -> dict[str, str]:
    """The topics an event of this record matches, each with the rule that guards it."""
    return {
        f"{coll.name}/{record_id}": VIEW_RULE,
        f"{coll.id}/{record_id}": VIEW_RULE,
        f"{coll.name}/*": LIST_RULE,
        f"{coll.id}/*": LIST_RULE,
        coll.name: LIST_RULE,
        coll.id: LIST_RULE,  # deprecated form of `/*`
    }


def caller_for(app: App, auth: Auth | None, sub: Subscription) -> Caller:
    coll = app.registry.by_id.get(auth.collection_id) if auth is not None else None
    record = auth.record if auth is not None and coll is not None else None
    info = RequestInfo(
        auth=record,
        auth_collection=coll,
        query=sub.query,
        headers=sub.headers,
        method="GET",
        context="realtime",
    )
    return Caller(auth=record, auth_coll=coll, info=info)


def _group_key(auth: Auth | None, rule_name: str, rule: str | None, sub: Subscription) -> tuple[Any, ...]:
    flt = sub.query.get("filter", "")
    text = (rule or "") + flt
    # the subscription's query and headers only matter to expressions that read them
    query = tuple(sorted(sub.query.items())) if "@request.query" in text else None
    headers = tuple(sorted(sub.headers.items())) if "@request.headers" in text else None
    return (auth.identity if auth is not None else None, rule_name, flt, query, headers)


async def visible(
    app: App,
    coll: Collection,
    record: dict[str, Any],
    rule_name: str,
    caller: Caller,
    snapshot: bool = False,
    executor: Any = None,
) -> bool:
    """Whether `caller` may receive `record` under the rule and the subscription's filter.

    With `snapshot` the check runs against the record's values rather than the stored row
    (the row is gone: a delete seen by another instance)."""
    rule = coll.rules.get(rule_name)
    if rule is None and not caller.superuser:
        return False
    conds: list[str] = []
    params: list[Any] = []
    try:
        if rule and not caller.superuser:
            c = app.compile_filter(coll, rule, caller.auth_coll, client=False, superuser=False)
            conds.append(c.sql)
            params += c.bind(caller.info)
        flt = caller.info.query.get("filter", "")
        if flt:
            # as a client filter: @request/@collection are for superusers only
            c = app.compile_filter(coll, flt, caller.auth_coll, client=True, superuser=caller.superuser)
            conds.append(c.sql)
            params += c.bind(caller.info)
    except RoostError:
        return False
    if not conds:
        return True
    d = app.dialect
    q = d.quote
    source, row = q(coll.table), []
    if snapshot:
        source = d.literal_row(coll.table, [(f.name, f.kind) for f in coll.columns])
        row = [f.to_db(record.get(f.name, f.zero()), d) for f in coll.columns]
    where = " AND ".join(f"({c})" for c in conds)
    sql = f"SELECT 1 FROM {source} WHERE {q(coll.table)}.{q('id')} = ? AND {where}"
    try:
        return await (executor or app.db).fetch_one(sql, [*row, record["id"], *params]) is not None
    except RoostError:
        return False


@dataclass(slots=True)
class Delivery:
    """Subscriptions that may see the event and are shown the same record: the clients with
    one auth state and one subscription string (so one query, headers, expand and fields)."""

    sub: Subscription  # the group's subscription (every member's parses the same)
    caller: Caller
    manager: bool  # email visible as to a manager of the auth record
    clients: list[Client]


async def decide(
    app: App,
    clients: ClientRegistry,
    coll: Collection,
    record: dict[str, Any],
    snapshot: bool = False,
    executor: Any = None,
) -> list[Delivery]:
    """Every group of subscriptions that may see this record. Queries run on `executor` (a
    delete's own transaction, so deciding never waits for a second pooled connection) or the
    database.

    Per client there is only a dict lookup: the caller, the rule check and the manager check
    are made once per (auth state, subscription string), and checks whose rule inputs match
    (`_group_key`) share one query."""
    topics = topics_for(coll, record["id"])
    targets = clients.subscribers(topics)  # a copy: clients come and go while we await
    decided: dict[tuple[Any, ...], bool] = {}
    managers: dict[Any, bool] = {}
    # (id of the auth state, subscription key) -> its group, or None when it may not see it;
    # the auth object is kept in the value so its id cannot be reused meanwhile
    groups: dict[tuple[int, str], tuple[Auth | None, Delivery | None]] = {}
    out: list[Delivery] = []
    for client, sub in targets:
        auth: Auth | None = client.auth
        gkey = (id(auth), sub.key)
        found = groups.get(gkey)
        if found is None or found[0] is not auth:
            group = await _new_group(
                app, coll, record, topics, auth, sub, decided, managers, snapshot, executor
            )
            if group is not None:
                out.append(group)
            found = groups[gkey] = (auth, group)
        if found[1] is not None:
            found[1].clients.append(client)
    return out


async def _new_group(
    app: App,
    coll: Collection,
    record: dict[str, Any],
    topics: dict[str, str],
    auth: Auth | None,
    sub: Subscription,
    decided: dict[tuple[Any, ...], bool],
    managers: dict[Any, bool],
    snapshot: bool,
    executor: Any,
) -> Delivery | None:
    rule_name = topics[sub.topic]
    key = _group_key(auth, rule_name, coll.rules.get(rule_name), sub)
    caller = caller_for(app, auth, sub)
    ok = decided.get(key)
    if ok is None:
        ok = decided[key] = await visible(app, coll, record, rule_name, caller, snapshot, executor)
    if not ok:
        return None
    identity = auth.identity if auth is not None else None
    manager = managers.get(identity)
    if manager is None:
        # a manager sees emails; checked against the stored row (none for a deleted one elsewhere)
        manager = coll.is_auth and await is_manager(app, coll, record["id"], caller, executor)
        managers[identity] = manager
    return Delivery(sub, caller, manager, [])


async def render(
    app: App, coll: Collection, record: dict[str, Any], action: str, deliveries: list[Delivery]
) -> list[tuple[list[Client], str, bytes]]:
    """(clients, event name, `{"action", "record"}`) with the record as the REST API would show
    it to each group, expand and fields applied; built once per (auth, expand, fields)."""
    rendered: dict[tuple[Any, ...], bytes] = {}
    out: list[tuple[list[Client], str, bytes]] = []
    for d in deliveries:
        # keyed by the auth the decision was made for (the client's may have changed since)
        who = (d.caller.auth_coll.id, d.caller.auth["id"]) if d.caller.auth and d.caller.auth_coll else None
        expand, fields = d.sub.query.get("expand", ""), d.sub.query.get("fields", "")
        rkey = (who, d.manager, expand, fields)
        data = rendered.get(rkey)
        if data is None:
            rec = {k: v for k, v in record.items() if k != "@expand"}
            if expand:
                try:
                    await expand_records(app, coll, [rec], expand, d.caller)
                except RoostError:
                    pass  # a bad expand leaves the record unexpanded, as PocketBase does
            shown: Any = to_json(coll, rec, d.caller, d.manager)
            if fields:
                shown = pick(shown, parse_fields(fields))
            data = rendered[rkey] = orjson.dumps({"action": action, "record": shown})
        out.append((d.clients, d.sub.key, data))
    return out


async def fan_out(
    app: App,
    clients: ClientRegistry,
    action: str,
    coll: Collection,
    record: dict[str, Any],
    snapshot: bool = False,
) -> list[tuple[list[Client], str, bytes]]:
    """(clients, event name, data) for every group of subscriptions that may see this event."""
    return await render(app, coll, record, action, await decide(app, clients, coll, record, snapshot))
