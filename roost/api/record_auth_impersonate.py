"""POST /api/collections/{c}/impersonate/{id}: a superuser gets a non-refreshable auth token
of any auth record, valid for `duration` seconds (0: the collection's authToken duration)."""

from __future__ import annotations

from roost.api.record_auth import auth_collection_or_404, auth_response
from roost.core.app import App
from roost.core.auth import new_token
from roost.core.records import SUPERUSERS_ID, fetch_record
from roost.errors import BadRequest, Forbidden, NotFound, Unauthorized, ValidationError, field_error
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    async def impersonate(request: Request) -> Response:
        if request.auth is None:
            raise Unauthorized("The request requires valid record authorization token.")
        if request.auth[0].id != SUPERUSERS_ID:
            raise Forbidden("The authorized record is not allowed to perform this action.")
        coll = auth_collection_or_404(app, request.path_params["collection"])
        record = await fetch_record(app, coll, request.path_params["id"])
        if record is None:
            raise NotFound()
        data, _ = await request.data()
        duration = data.get("duration", 0)
        if isinstance(duration, float) and duration.is_integer():
            duration = int(duration)
        if duration is None:
            duration = 0
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise BadRequest("An error occurred while loading the submitted data.")
        if duration < 0:
            raise ValidationError(
                {
                    "duration": field_error(
                        "validation_min_greater_equal_than_required", "Must be no less than 0.", threshold=0
                    )
                },
                "An error occurred while validating the submitted data.",
            )
        token = new_token(coll, record, refreshable=False, duration=duration or None)
        return await auth_response(app, request, coll, record, token=token, auth_method="")

    router.post("/api/collections/{collection}/impersonate/{id}", impersonate)
