"""Records CRUD API: /api/collections/{collection}/records[/{id}]."""

from __future__ import annotations

from roost.api.context import caller_for, collection_or_404, respond
from roost.core import records
from roost.core.app import App
from roost.errors import BadRequest
from roost.web import Request, Response, Router


async def read_body(request: Request) -> tuple[dict, dict, bool]:
    data, files = await request.data()
    return data, files, request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")


def bind(router: Router, app: App) -> None:
    async def list_records(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"])
        caller = caller_for(request)
        data = await records.list_records(app, coll, caller, request.query)
        return respond(request, data, is_list=True)

    async def view(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"])
        caller = caller_for(request)
        rec = await records.view_record(
            app, coll, caller, request.path_params["id"], request.query.get("expand", "")
        )
        return respond(request, records.to_json(coll, rec, caller))

    async def create(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"], write=True)
        caller = caller_for(request)
        data, files, from_form = await read_body(request)
        rec = await records.create_record(app, coll, caller, data, files, from_form)
        return await _after_write(request, coll, caller, rec)

    async def update(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"], write=True)
        caller = caller_for(request)
        data, files, from_form = await read_body(request)
        rec = await records.update_record(
            app, coll, caller, request.path_params["id"], data, files, from_form
        )
        return await _after_write(request, coll, caller, rec)

    async def _after_write(request: Request, coll, caller, rec) -> Response:  # type: ignore[no-untyped-def]
        expand = request.query.get("expand", "")
        if expand:
            try:
                await records.expand_records(app, coll, [rec], expand, caller)
            except BadRequest:
                pass
        manager = await records.is_manager(app, coll, rec["id"], caller) if coll.is_auth else False
        return respond(request, records.to_json(coll, rec, caller, manager))

    async def delete(request: Request) -> Response:
        coll = collection_or_404(app, request.path_params["collection"])
        await records.delete_record(app, coll, caller_for(request), request.path_params["id"])
        return Response(204)

    router.get("/api/collections/{collection}/records", list_records)
    router.post("/api/collections/{collection}/records", create)
    router.get("/api/collections/{collection}/records/{id}", view)
    router.patch("/api/collections/{collection}/records/{id}", update)
    router.delete("/api/collections/{collection}/records/{id}", delete)
