"""Unexpected errors are logged with a request id and answered with PocketBase's generic 500;
a database driver's text never reaches a client."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from roost.db.errors import DatabaseError
from roost.web.errors import to_api_error
from tests.helpers import make_collection

pytestmark = pytest.mark.anyio

GENERIC_500 = {"data": {}, "message": "Something went wrong while processing your request.", "status": 500}


@pytest.mark.parametrize(
    "exc",
    [
        RuntimeError("secret internals"),
        OverflowError("timestamp out of range for platform time_t"),
        DatabaseError(detail="disk I/O error at /var/secret"),
    ],
)
def test_unexpected_errors_give_the_generic_500_and_are_logged(exc: Exception, caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="roost.web"):
        err = to_api_error(exc, "req-1234")
    assert (err.status, err.body()) == (500, GENERIC_500)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "req-1234" in logged
    assert str(exc).split(" (")[0] in logged or "secret" in logged


def test_a_request_id_is_made_when_none_is_given(caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="roost.web"):
        to_api_error(ValueError("boom"))
    assert "[request " in caplog.records[-1].getMessage()


async def test_driver_text_never_reaches_the_client(client: Any, su: dict[str, str], app: Any) -> None:
    await make_collection(
        client,
        su,
        {"name": "gone", "listRule": "", "createRule": "", "fields": [{"name": "t", "type": "text"}]},
    )
    async with app.db.transaction() as tx:
        await tx.execute(f"DROP TABLE {app.dialect.quote('gone')}")
    r = await client.get("/api/collections/gone/records")
    assert r.status_code in (400, 500)
    assert r.json() == {**GENERIC_500, "status": r.status_code}
    r = await client.post("/api/collections/gone/records", json={"t": "x"})
    assert r.json()["message"] == GENERIC_500["message"]
