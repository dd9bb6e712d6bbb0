"""The system collections of the auth flows, as PocketBase 0.40 creates them: `_mfas`, `_otps`,
`_externalAuths` and `_authOrigins` (base collections whose records point at an auth record
through `collectionRef` + `recordRef`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from roost.core.collection_defaults import ID_FIELD

# PocketBase's creation order; `created` follows it, and with it GET /api/collections
ORDER = ("_mfas", "_otps", "_externalAuths", "_authOrigins")

OWNER_RULE = (
    "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId"
)


def _text(field_id: str, name: str, *, hidden: bool = False, required: bool = True) -> dict[str, Any]:
    return {
        "autogeneratePattern": "",
        "help": "",
        "hidden": hidden,
        "id": field_id,
        "max": 0,
        "min": 0,
        "name": name,
        "pattern": "",
        "presentable": False,
        "primaryKey": False,
        "required": required,
        "system": True,
        "type": "text",
    }


def _autodate(field_id: str, name: str, on_update: bool) -> dict[str, Any]:
    return {
        "hidden": False,
        "id": field_id,
        "name": name,
        "onCreate": True,
        "onUpdate": on_update,
        "presentable": False,
        "system": True,
        "type": "autodate",
    }


def _spec(
    coll_id: str, name: str, extra: list[dict[str, Any]], indexes: list[str], deletable: bool
) -> dict[str, Any]:
    return {
        "id": coll_id,
        "listRule": OWNER_RULE,
        "viewRule": OWNER_RULE,
        "createRule": None,
        "updateRule": None,
        "deleteRule": OWNER_RULE if deletable else None,
        "name": name,
        "type": "base",
        "fields": [
            copy.deepcopy(ID_FIELD),
            _text("text455797646", "collectionRef"),
            _text("text127846527", "recordRef"),
            *extra,
            _autodate("autodate2990389176", "created", False),
            _autodate("autodate3332085495", "updated", True),
        ],
        "indexes": indexes,
        "system": True,
    }


def mfas_spec() -> dict[str, Any]:
    return _spec(
        "pbc_2279338944",
        "_mfas",
        [_text("text1582905952", "method")],
        ["CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (collectionRef,recordRef)"],
        deletable=False,
    )


OTPS_ID = "pbc_1638494021"
OTPS_NAME = "_otps"


def otps_spec() -> dict[str, Any]:
    """One-time passwords (roost/core/otps.py): the bcrypt hash of the code and where it went."""
    password = {
        "cost": 8,
        "help": "",
        "hidden": True,
        "id": "password901924565",
        "max": 0,
        "min": 0,
        "name": "password",
        "pattern": "",
        "presentable": False,
        "required": True,
        "system": True,
        "type": "password",
    }
    return _spec(
        OTPS_ID,
        OTPS_NAME,
        [password, _text("text3866985172", "sentTo", hidden=True, required=False)],
        ["CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)"],
        deletable=False,
    )


def external_auths_spec() -> dict[str, Any]:
    return _spec(
        "pbc_2281828961",
        "_externalAuths",
        [_text("text2462348188", "provider"), _text("text1044722854", "providerId")],
        [
            "CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` "
            "(collectionRef, recordRef, provider)",
            "CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` "
            "(collectionRef, provider, providerId)",
        ],
        deletable=True,
    )


def auth_origins_spec() -> dict[str, Any]:
    return _spec(
        "pbc_4275539003",
        "_authOrigins",
        [_text("text4228609354", "fingerprint")],
        [
            "CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` "
            "(collectionRef, recordRef, fingerprint)"
        ],
        deletable=True,
    )


# name -> spec factory; a name of ORDER without a factory here is not created
SPECS: dict[str, Callable[[], dict[str, Any]]] = {
    "_mfas": mfas_spec,
    "_otps": otps_spec,
    "_externalAuths": external_auths_spec,
    "_authOrigins": auth_origins_spec,
}


def specs() -> list[dict[str, Any]]:
    """The known system collection specs in PocketBase's creation order."""
    return [SPECS[name]() for name in ORDER if name in SPECS]
