"""Default options and system fields of collections, as PocketBase 0.40 creates them."""

from __future__ import annotations

import copy
from typing import Any

from roost.security.ids import random_string

ID_FIELD = {
    "autogeneratePattern": "[a-z0-9]{15}",
    "help": "",
    "hidden": False,
    "id": "text3208210256",
    "max": 15,
    "min": 15,
    "name": "id",
    "pattern": "^[a-z0-9]+$",
    "presentable": False,
    "primaryKey": True,
    "required": True,
    "system": True,
    "type": "text",
}

AUTH_SYSTEM_FIELDS = [
    {
        "cost": 0,
        "help": "",
        "hidden": True,
        "id": "password901924565",
        "max": 0,
        "min": 8,
        "name": "password",
        "pattern": "",
        "presentable": False,
        "required": True,
        "system": True,
        "type": "password",
    },
    {
        "autogeneratePattern": "[a-zA-Z0-9]{50}",
        "help": "",
        "hidden": True,
        "id": "text2504183744",
        "max": 60,
        "min": 30,
        "name": "tokenKey",
        "pattern": "",
        "presentable": False,
        "primaryKey": False,
        "required": True,
        "system": True,
        "type": "text",
    },
    {
        "exceptDomains": [],
        "help": "",
        "hidden": False,
        "id": "email3885137012",
        "name": "email",
        "onlyDomains": [],
        "presentable": False,
        "required": True,
        "system": True,
        "type": "email",
    },
    {
        "help": "",
        "hidden": False,
        "id": "bool1547992806",
        "name": "emailVisibility",
        "presentable": False,
        "required": False,
        "system": True,
        "type": "bool",
    },
    {
        "help": "",
        "hidden": False,
        "id": "bool256245529",
        "name": "verified",
        "presentable": False,
        "required": False,
        "system": True,
        "type": "bool",
    },
]

CREATED_FIELD = {
    "hidden": False,
    "id": "autodate2990389176",
    "name": "created",
    "onCreate": True,
    "onUpdate": False,
    "presentable": False,
    "system": False,
    "type": "autodate",
}
UPDATED_FIELD = {
    "hidden": False,
    "id": "autodate3332085495",
    "name": "updated",
    "onCreate": True,
    "onUpdate": True,
    "presentable": False,
    "system": False,
    "type": "autodate",
}

TOKEN_TYPES = ("authToken", "passwordResetToken", "emailChangeToken", "verificationToken", "fileToken")
TOKEN_DURATIONS = {
    "authToken": 432000,
    "passwordResetToken": 1800,
    "emailChangeToken": 1800,
    "verificationToken": 86400,
    "fileToken": 180,
}

_FOOTER = "<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>"


def _template(subject: str, body: str) -> dict[str, str]:
    return {"subject": subject, "body": body + "\n" + _FOOTER}


def auth_options() -> dict[str, Any]:
    """Fresh auth options; token secrets are random per collection and never output."""
    opts: dict[str, Any] = {
        "authRule": "",
        "manageRule": None,
        "authAlert": {
            "enabled": True,
            "emailTemplate": _template(
                "Login from a new location",
                "<p>Hello,</p>\n<p>We noticed a login to your {APP_NAME} account from a new location:</p>\n"
                "<p><em>{ALERT_INFO}</em></p>\n<p><strong>If this wasn't you, you should immediately change your "
                "{APP_NAME} account password to revoke access from all other locations.</strong></p>\n"
                "<p>If this was you, you may disregard this email.</p>",
            ),
        },
        "oauth2": {
            "providers": [],
            "mappedFields": {"id": "", "name": "", "username": "", "avatarURL": ""},
            "enabled": False,
        },
        "passwordAuth": {"enabled": True, "identityFields": ["email"]},
        "mfa": {"enabled": False, "duration": 600, "rule": ""},
        "otp": {
            "enabled": False,
            "duration": 180,
            "length": 8,
            "emailTemplate": _template(
                "OTP for {APP_NAME}",
                "<p>Hello,</p>\n<p>Your one-time password is: <strong>{OTP}</strong></p>\n"
                "<p><i>If you didn't ask for the one-time password, you can ignore this email.</i></p>",
            ),
        },
    }
    for token_type in TOKEN_TYPES:
        opts[token_type] = {"duration": TOKEN_DURATIONS[token_type], "secret": random_string(50)}
    opts["verificationTemplate"] = _template(
        "Verify your {APP_NAME} email",
        "<p>Hello,</p>\n<p>Thank you for joining us at {APP_NAME}.</p>\n<p>Click on the button below to verify "
        'your email address.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}" '
        'target="_blank" rel="noopener">Verify</a>\n</p>\n<p><i>If you didn\'t recently register, please ignore '
        "this email.</i></p>",
    )
    opts["resetPasswordTemplate"] = _template(
        "Reset your {APP_NAME} password",
        '<p>Hello,</p>\n<p>Click on the button below to reset your password.</p>\n<p>\n  <a class="btn" '
        'href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Reset '
        "password</a>\n</p>\n<p><i>If you didn't ask to reset your password, please ignore this email.</i></p>",
    )
    opts["confirmEmailChangeTemplate"] = _template(
        "Confirm your {APP_NAME} new email address",
        "<p>Hello,</p>\n<p>Click on the button below to confirm your new email address.</p>\n<p>\n  <a "
        'class="btn" href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}" target="_blank" '
        'rel="noopener">Confirm new email</a>\n</p>\n<p><i>If you didn\'t ask to change your email address, '
        "please ignore this email.</i></p>",
    )
    return opts


def superusers_spec() -> dict[str, Any]:
    opts = auth_options()
    opts["authToken"]["duration"] = 86400
    return {
        "id": "pbc_3142635823",
        "name": "_superusers",
        "type": "auth",
        "system": True,
        "fields": [copy.deepcopy(ID_FIELD)]
        + copy.deepcopy(AUTH_SYSTEM_FIELDS)
        + [copy.deepcopy(CREATED_FIELD), copy.deepcopy(UPDATED_FIELD)],
        "indexes": [],
        "listRule": None,
        "viewRule": None,
        "createRule": None,
        "updateRule": None,
        "deleteRule": None,
        **opts,
    }


def users_spec() -> dict[str, Any]:
    opts = auth_options()
    opts["authToken"]["duration"] = 432000
    opts["oauth2"]["mappedFields"] = {"id": "", "name": "name", "username": "", "avatarURL": "avatar"}
    fields = (
        [copy.deepcopy(ID_FIELD)]
        + copy.deepcopy(AUTH_SYSTEM_FIELDS)
        + [
            {
                "autogeneratePattern": "",
                "help": "",
                "hidden": False,
                "id": "text1579384326",
                "max": 255,
                "min": 0,
                "name": "name",
                "pattern": "",
                "presentable": False,
                "primaryKey": False,
                "required": False,
                "system": False,
                "type": "text",
            },
            {
                "help": "",
                "hidden": False,
                "id": "file376926767",
                "maxSelect": 1,
                "maxSize": 0,
                "mimeTypes": ["image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"],
                "name": "avatar",
                "presentable": False,
                "protected": False,
                "required": False,
                "system": False,
                "thumbs": [],
                "type": "file",
            },
            copy.deepcopy(CREATED_FIELD),
            copy.deepcopy(UPDATED_FIELD),
        ]
    )
    rule = "id = @request.auth.id"
    return {
        "id": "_pb_users_auth_",
        "name": "users",
        "type": "auth",
        "system": False,
        "fields": fields,
        "indexes": [],
        "listRule": rule,
        "viewRule": rule,
        "createRule": "",
        "updateRule": rule,
        "deleteRule": rule,
        **opts,
    }
