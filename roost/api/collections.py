"""Collections API (superusers only)."""

from __future__ import annotations

import json
from typing import Any

from roost.api.context import respond
from roost.core import collection_service, view_service
from roost.core.app import App
from roost.core.app_api import CollectionImportError, import_collections
from roost.core.collection_defaults import ID_FIELD, users_spec
from roost.core.collections import Collection
from roost.core.events import CollectionRequestEvent, CollectionsImportRequestEvent
from roost.core.record_write import delete as delete_record
from roost.core.records import fetch_record
from roost.errors import BadRequest, Forbidden, NotFound, Unauthorized, ValidationError, field_error
from roost.oauth2 import PROVIDERS
from roost.web import Request, Response, Router

SUPERUSERS_ID = "pbc_3142635823"


def require_superuser(request: Request) -> None:
    if request.auth is None:
        raise Unauthorized("The request requires valid record authorization token.")
    if request.auth[0].id != SUPERUSERS_ID:
        raise Forbidden("The authorized record is not allowed to perform this action.")


def collection_or_404(app: App, id_or_name: str) -> Collection:
    coll = app.collection(id_or_name)
    if coll is None:
        raise NotFound()
    return coll


def bind(router: Router, app: App) -> None:
    async def list_collections(request: Request) -> Response:
        require_superuser(request)
        data = await collection_service.list_collections(app, request.query)
        return respond(request, data, is_list=True)

    async def view(request: Request) -> Response:
        require_superuser(request)
        return respond(request, collection_or_404(app, request.path_params["collection"]).to_json())

    async def create(request: Request) -> Response:
        require_superuser(request)
        event = CollectionRequestEvent(app, request, data=await request.json())

        async def save(e: CollectionRequestEvent) -> None:
            e.collection = await collection_service.create_collection(app, e.data)
            e.response = respond(request, e.collection.to_json())

        await app.hooks.collection_create_request.trigger(event, save)
        return event.response or Response(204)

    async def update(request: Request) -> Response:
        require_superuser(request)
        coll = collection_or_404(app, request.path_params["collection"])
        event = CollectionRequestEvent(app, request, collection=coll, data=await request.json())

        async def save(e: CollectionRequestEvent) -> None:
            e.collection = await collection_service.update_collection(app, coll, e.data)
            e.response = respond(request, e.collection.to_json())

        await app.hooks.collection_update_request.trigger(event, save)
        return event.response or Response(204)

    async def delete(request: Request) -> Response:
        require_superuser(request)
        coll = collection_or_404(app, request.path_params["collection"])
        event = CollectionRequestEvent(app, request, collection=coll)

        async def remove(e: CollectionRequestEvent) -> None:
            await collection_service.delete_collection(app, coll)
            e.response = Response(204)

        await app.hooks.collection_delete_request.trigger(event, remove)
        return event.response or Response(204)

    async def truncate(request: Request) -> Response:
        require_superuser(request)
        coll = collection_or_404(app, request.path_params["collection"])
        if coll.is_view:
            raise BadRequest("View collections cannot be truncated since they don't store their own records.")
        await _truncate(app, coll)
        return Response(204)

    async def dry_run_view(request: Request) -> Response:
        require_superuser(request)
        try:
            body, _files = await request.data()
        except BadRequest:
            raise BadRequest("An error occurred while loading the submitted data.") from None
        query = body.get("query")
        if query is not None and not isinstance(query, str):
            raise BadRequest("An error occurred while loading the submitted data.")
        problem = view_service.query_form_error(query or "")
        if problem is not None:
            raise ValidationError(
                {"query": problem}, "An error occurred while validating the submitted data."
            )
        try:
            result = await view_service.dry_run(app, query or "")
        except view_service.ViewError as exc:
            raise BadRequest(f"Invalid view query. Raw error: \n{exc}") from None
        return respond(request, result)

    async def scaffolds(request: Request) -> Response:
        require_superuser(request)
        base = {
            "id": "",
            "listRule": None,
            "viewRule": None,
            "createRule": None,
            "updateRule": None,
            "deleteRule": None,
            "name": "",
            "type": "base",
            "fields": [dict(ID_FIELD)],
            "indexes": [],
            "created": "",
            "updated": "",
            "system": False,
        }
        auth_spec = users_spec()
        auth = Collection(
            {
                **auth_spec,
                "id": "",
                "name": "",
                "fields": auth_spec["fields"][:6],
                "listRule": None,
                "viewRule": None,
                "createRule": None,
                "updateRule": None,
                "deleteRule": None,
            }
        ).to_json()
        auth["created"] = auth["updated"] = ""
        view = {**base, "type": "view", "viewQuery": "", "fields": []}
        return respond(request, {"auth": auth, "base": base, "view": view})

    async def oauth2_providers(request: Request) -> Response:
        """The OAuth2 providers Roost can sign in with (PocketBase's list, limited to them)."""
        require_superuser(request)
        infos = [{"name": p.name, "displayName": p.display_name, "logo": p.logo} for p in PROVIDERS.values()]
        return respond(request, infos)

    async def import_request(request: Request) -> Response:
        require_superuser(request)
        body = await request.json()
        collections = body.get("collections") if isinstance(body, dict) else None
        if collections in (None, [], {}, ""):
            raise ValidationError({"collections": field_error("validation_required", "Cannot be blank.")})
        if not isinstance(collections, list) or not all(isinstance(c, dict) for c in collections):
            raise BadRequest("An error occurred while loading the submitted data.")
        event = CollectionsImportRequestEvent(
            app, request, collections=collections, delete_missing=bool(body.get("deleteMissing"))
        )

        async def run(e: CollectionsImportRequestEvent) -> None:
            try:
                await import_collections(app, e.collections, e.delete_missing)
            except CollectionImportError as exc:
                failure = field_error("validation_collections_import_failure", import_failure_message(exc))
                raise ValidationError({"collections": failure}, "Failed to import collections.") from None

        await app.hooks.collections_import_request.trigger(event, run)
        return Response(204)

    router.get("/api/collections", list_collections)
    router.post("/api/collections", create)
    router.get("/api/collections/meta/scaffolds", scaffolds)
    router.post("/api/collections/meta/dry-run-view", dry_run_view)
    router.get("/api/collections/meta/oauth2-providers", oauth2_providers)
    router.put("/api/collections/import", import_request)
    router.get("/api/collections/{collection}", view)
    router.patch("/api/collections/{collection}", update)
    router.delete("/api/collections/{collection}", delete)
    router.delete("/api/collections/{collection}/truncate", truncate)


def import_failure_message(exc: CollectionImportError) -> str:
    """PocketBase's wording: the refused settings of the failing collection as indented JSON,
    or the reason the import stopped."""
    if isinstance(exc.cause, ValidationError):
        details = json.dumps(_messages(exc.cause.fields), indent=2, ensure_ascii=False)
        return f'Data validations failed for collection "{exc.name}" ({exc.collection_id}):\n{details}.'
    reason = exc.cause.message.rstrip(".")
    return f'Failed to import the collections configuration. Raw error:\nfailed to save collection "{exc.name}": {reason}.'


def _messages(errors: dict[str, Any]) -> dict[str, Any]:
    """{field: {code, message}} (nested for fields and options) to {field: message}."""
    out: dict[str, Any] = {}
    for key, value in errors.items():
        if isinstance(value, dict) and "code" in value and "message" in value:
            out[key] = value["message"]
        elif isinstance(value, dict):
            out[key] = _messages(value)
        else:
            out[key] = value
    return out


async def _truncate(app: App, coll: Collection) -> None:
    q = app.dialect.quote
    rows = await app.db.fetch_all(f"SELECT {q('id')} FROM {q(coll.table)}")
    for (rid,) in rows:
        record = await fetch_record(app, coll, rid)
        if record is not None:
            await delete_record(app, coll, record)
