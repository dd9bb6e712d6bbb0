"""Records CRUD API: /api/collections/{collection}/records[/{id}].

Each write is a chain of stages that hooks wrap: the request hook (`on_record_*_request`, the
submitted values applied), then the model hooks around validate and execute (inside the
transaction) and the after-commit hooks (roost/core/record_write.py). The batch API runs its
sub-requests through the same functions."""

from __future__ import annotations

from typing import Any

from roost.api import guard
from roost.api.context import caller_for, collection_or_404, respond
from roost.core import records
from roost.core.app import App
from roost.core.collections import Collection
from roost.core.events import RecordRequestEvent, RecordsListRequestEvent
from roost.core.record import Record
from roost.core.record_write import WriteScope, delete
from roost.core.records import Caller
from roost.errors import BadRequest
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    async def list_records(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"])
        await guard.record_route(app, request, coll, "list")
        return await list_request(app, request, coll, caller_for(request), request.query)

    async def view(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"])
        await guard.record_route(app, request, coll, "view")
        record_id = request.path_params["id"]
        return await view_request(app, request, coll, caller_for(request), record_id, request.query)

    async def create(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"], write=True)
        if not coll.is_view:  # a view collection answers 400 without counting, as in PocketBase
            await guard.record_route(app, request, coll, "create")
        data, files, from_form = await read_body(request)
        return await create_request(app, request, coll, caller_for(request), data, files, from_form)

    async def update(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"], write=True)
        if not coll.is_view:
            await guard.record_route(app, request, coll, "update")
        data, files, from_form = await read_body(request)
        record_id = request.path_params["id"]
        return await update_request(
            app, request, coll, caller_for(request), record_id, data, files, from_form
        )

    async def delete(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"])
        if not coll.is_view:
            await guard.record_route(app, request, coll, "delete")
        return await delete_request(app, request, coll, caller_for(request), request.path_params["id"])

    router.get("/api/collections/{collection}/records", list_records)
    router.post("/api/collections/{collection}/records", create)
    router.get("/api/collections/{collection}/records/{id}", view)
    router.patch("/api/collections/{collection}/records/{id}", update)
    router.delete("/api/collections/{collection}/records/{id}", delete)


async def read_body(request: Request) -> tuple[dict[str, Any], dict[str, Any], bool]:
    data, files = await request.data()
    return data, files, request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")


async def list_request(
    app: App, request: Request, coll: Collection, caller: Caller, query: dict[str, str]
) -> Response:
    """A page of records as GET .../records answers it; `query` holds filter, sort, page,
    perPage, skipTotal, expand and fields (the URL's, or what a GraphQL query asked for)."""
    data = await records.list_records(app, coll, caller, query)
    hooks = app.hooks
    if not hooks.record_list_request.handlers and not hooks.record_enrich.handlers:
        return respond(request, data, is_list=True, query=query)
    items = data["items"]
    await records.enrich(app, coll, items, caller)
    event = RecordsListRequestEvent(
        app, request, collection=coll, records=[Record(coll, r) for r in items], result=data
    )

    async def send(e: RecordsListRequestEvent) -> None:
        e.response = respond(request, e.result, is_list=True, query=query)

    await hooks.record_list_request.trigger(event, send)
    return _response(event.response)


async def view_request(
    app: App, request: Request, coll: Collection, caller: Caller, record_id: str, query: dict[str, str]
) -> Response:
    """One record as GET .../records/{id} answers it (`query`: expand and fields)."""
    expand = query.get("expand", "")
    hook = app.hooks.record_view_request
    hooked = hook.handlers or app.hooks.record_enrich.handlers
    if not hooked and not expand:  # the common view: exported straight from the row
        return respond(request, await records.view_json(app, coll, caller, record_id), query=query)
    rec = await records.view_record(app, coll, caller, record_id, expand)
    if not hooked:
        return respond(request, records.to_json(coll, rec, caller), query=query)
    event = RecordRequestEvent(app, request, collection=coll, record=Record(coll, rec))

    async def send(e: RecordRequestEvent) -> None:
        out = records.to_json(coll, e.record.data, caller)
        await records.enrich(app, coll, [out], caller)
        e.response = respond(request, out, query=query)

    await hook.trigger(event, send)
    return _response(event.response)


def _response(response: Response | None) -> Response:
    """A hook that stopped the chain without answering: an empty 204."""
    return response if response is not None else Response(204)


async def create_request(
    app: App,
    request: Request,
    coll: Collection,
    caller: Caller,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool,
    scope: WriteScope | None = None,
    query: dict[str, str] | None = None,
) -> Response:
    draft = records.begin_create(coll, caller, data, files, from_form)
    event = RecordRequestEvent(app, request, collection=coll, record=Record(coll, draft.record))
    if app.hooks.record_create_request.applies(event):
        await records.check_create_rule_first(app, draft, scope)

    async def save(e: RecordRequestEvent) -> None:
        saved = await records.finish_create(app, draft, scope)
        e.record = Record(coll, saved)
        e.response = await _written(app, request, coll, caller, saved, scope, query)

    await app.hooks.record_create_request.trigger(event, save)
    return _response(event.response)


async def update_request(
    app: App,
    request: Request,
    coll: Collection,
    caller: Caller,
    record_id: str,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool,
    scope: WriteScope | None = None,
    query: dict[str, str] | None = None,
) -> Response:
    draft = await records.begin_update(app, coll, caller, record_id, data, files, from_form, scope)
    event = RecordRequestEvent(
        app, request, collection=coll, record=Record(coll, draft.record, original=draft.old)
    )

    async def save(e: RecordRequestEvent) -> None:
        from roost.core.record_write import save_draft

        saved = await save_draft(app, draft, None, scope)
        e.record = Record(coll, saved, original=draft.old)
        e.response = await _written(app, request, coll, caller, saved, scope, query)

    await app.hooks.record_update_request.trigger(event, save)
    return _response(event.response)


async def delete_request(
    app: App,
    request: Request,
    coll: Collection,
    caller: Caller,
    record_id: str,
    scope: WriteScope | None = None,
) -> Response:
    existing = await records.begin_delete(app, coll, caller, record_id, scope)
    event = RecordRequestEvent(
        app, request, collection=coll, record=Record(coll, existing, original=existing)
    )

    async def remove(e: RecordRequestEvent) -> None:
        await delete(app, coll, existing, scope)
        e.response = Response(204)

    await app.hooks.record_delete_request.trigger(event, remove)
    return _response(event.response)


async def _written(
    app: App,
    request: Request,
    coll: Collection,
    caller: Caller,
    rec: dict[str, Any],
    scope: WriteScope | None,
    query: dict[str, str] | None,
) -> Response:
    """The answer to a create or update: the record as the caller may see it, expanded and
    picked by `query` (the request's own URL when None)."""
    if scope is not None:  # a batch sub-request: no expand, fields from its own URL
        from roost.core.fields_param import pick_response
        from roost.web import json_response

        out: Any = records.to_json(coll, rec, caller)
        await records.enrich(app, coll, [out], caller)
        if query and query.get("fields"):
            out = pick_response(out, query["fields"], False)
        return json_response(out)
    expand = (request.query if query is None else query).get("expand", "")
    if expand:
        try:
            await records.expand_records(app, coll, [rec], expand, caller)
        except BadRequest:
            pass
    manager = await records.is_manager(app, coll, rec["id"], caller) if coll.is_auth else False
    out = records.to_json(coll, rec, caller, manager)
    await records.enrich(app, coll, [out], caller)
    return respond(request, out, query=query)
