"""A user's hook file as docs/extending.md shows it: mypy must accept it without ignores."""

from __future__ import annotations

import roost


def setup(app: roost.App) -> None:
    @app.on_record_create_request("posts")
    async def shout(e: roost.RecordRequestEvent) -> None:
        e.record["title"] = str(e.record["title"]).upper()
        await e.next()

    def refuse(e: roost.RecordRequestEvent) -> None:
        if e.record.get("title") == "spam":
            raise roost.BadRequestError("No spam.")
        e.next()

    app.on_record_create_request("posts").bind(refuse, id="no-spam", priority=-1)

    @app.on_record_after_create_success()
    async def audit(e: roost.RecordEvent) -> None:
        print(e.collection.name, e.record.id, e.record.original())
        await e.next()

    @app.on_collection_create()
    async def created(e: roost.CollectionEvent) -> None:
        await e.next()

    async def hello(e: roost.RequestEvent) -> roost.Response:
        name = e.request.path_params["name"]
        who = e.auth["email"] if e.auth is not None else "guest"
        return e.json(200, {"hello": name, "by": who, "q": e.request.query.get("q")})

    async def body(e: roost.RequestEvent) -> roost.Response:
        data = await e.request.json()
        return e.json(201, data)

    app.router.get("/api/hello/{name}", hello, roost.require_auth("users"))
    app.router.post("/api/body", body, roost.require_superuser())
    app.router.get("/api/guests", lambda e: e.text(200, "hi"), roost.require_guest_only())

    async def timing(e: roost.RequestEvent) -> None:
        await e.next()

    app.router.use(timing)
    app.on_record_create_request("posts").unbind("no-spam")
