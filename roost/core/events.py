"""The events hooks receive: typed dataclasses with the app, what the event is about and `next()`.

Request events also carry the HTTP `request`, the caller (`auth`: an auth `Record` or None) and
response helpers (`e.json(...)`, `e.text(...)`, `e.redirect(...)`, `e.no_content()`,
`e.file(...)`); a helper sets `e.response` and returns it, so a handler or a hook that stops the
chain decides what the client gets.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.record import Record
from roost.hooks import Event
from roost.web import Request, Response, json_response

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.routing import Routes
    from roost.mail import Message

__all__ = [
    "BackupEvent",
    "BatchRequestEvent",
    "BootstrapEvent",
    "CollectionErrorEvent",
    "CollectionEvent",
    "CollectionRequestEvent",
    "CollectionsImportRequestEvent",
    "FileDownloadRequestEvent",
    "MailerEvent",
    "MailerRecordEvent",
    "RealtimeConnectRequestEvent",
    "RealtimeMessageEvent",
    "RealtimeSubscribeRequestEvent",
    "RecordAuthFlowRequestEvent",
    "RecordAuthRefreshRequestEvent",
    "RecordAuthRequestEvent",
    "RecordAuthWithOAuth2RequestEvent",
    "RecordAuthWithPasswordRequestEvent",
    "RecordEnrichEvent",
    "RecordErrorEvent",
    "RecordEvent",
    "RecordRequestEvent",
    "RecordsListRequestEvent",
    "RequestEvent",
    "ServeEvent",
    "SettingsListRequestEvent",
    "SettingsReloadEvent",
    "SettingsUpdateRequestEvent",
    "TerminateEvent",
]


def _tags(collection: Collection | None) -> tuple[str, ...]:
    return (collection.id, collection.name) if collection is not None else ()


# --- app lifecycle ---------------------------------------------------------------------------------
@dataclass(slots=True)
class BootstrapEvent(Event):
    app: App


@dataclass(slots=True)
class ServeEvent(Event):
    app: App
    router: Routes
    # the ASGI application, set by the default action (custom routes must be added before next())
    handler: Any = None


@dataclass(slots=True)
class TerminateEvent(Event):
    app: App


@dataclass(slots=True)
class BackupEvent(Event):
    """`name` is the backup's key (empty on create until the default action names it);
    `exclude` lists the data folder's top-level entries left out of the archive (create) or
    left in place (restore)."""

    app: App
    name: str = ""
    exclude: list[str] = field(default_factory=list)


# --- records (model level) ---------------------------------------------------------------------------
@dataclass(slots=True)
class RecordEvent(Event):
    app: App
    record: Record
    # the open write transaction (execute hooks only): run extra SQL there to commit or roll back with it
    tx: Any = None

    @property
    def collection(self) -> Collection:
        return self.record.collection

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.record.collection)


def is_auth_record(e: RecordEvent) -> bool:
    """Whether the event is about an auth record: the `_when` of built-in handlers that only
    concern auth records (tokens, OTPs, API keys), which other writes then skip."""
    return e.record.collection.is_auth


@dataclass(slots=True)
class RecordErrorEvent(Event):
    app: App
    record: Record
    error: BaseException

    @property
    def collection(self) -> Collection:
        return self.record.collection

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.record.collection)


@dataclass(slots=True)
class RecordEnrichEvent(Event):
    """`record` wraps the JSON about to be sent: set or delete keys to change what the client sees."""

    app: App
    record: Record
    auth: Record | None = None

    @property
    def collection(self) -> Collection:
        return self.record.collection

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.record.collection)


# --- requests ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class RequestEvent(Event):
    app: App
    request: Request
    response: Response | None = None

    @property
    def auth(self) -> Record | None:
        """The authenticated caller's record, or None for a guest."""
        found = self.request.auth
        return Record(found[0], found[1]) if found else None

    @property
    def is_superuser(self) -> bool:
        found = self.request.auth
        return bool(found) and found[0].name == "_superusers"

    def json(self, status: int, data: Any) -> Response:
        self.response = json_response(data, status)
        return self.response

    def text(self, status: int, text: str) -> Response:
        self.response = Response(status, text.encode(), [(b"content-type", b"text/plain; charset=utf-8")])
        return self.response

    def html(self, status: int, html: str) -> Response:
        self.response = Response(status, html.encode(), [(b"content-type", b"text/html; charset=utf-8")])
        return self.response

    def blob(self, status: int, content_type: str, data: bytes) -> Response:
        self.response = Response(status, data, [(b"content-type", content_type.encode("latin-1"))])
        return self.response

    def redirect(self, status: int, url: str) -> Response:
        self.response = Response(status, b"", [(b"location", url.encode("latin-1"))])
        return self.response

    def no_content(self, status: int = 204) -> Response:
        self.response = Response(status)
        return self.response

    def file(self, path: str | os.PathLike[str], content_type: str | None = None) -> Response:
        """Send a file from disk (whole), with its type guessed from the name unless given."""
        with open(path, "rb") as fh:
            data = fh.read()
        ctype = content_type or mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        return self.blob(200, ctype, data)


@dataclass(slots=True, kw_only=True)
class RecordRequestEvent(RequestEvent):
    """A record create/update/delete/view request. For create and update, `record` holds the
    submitted values before `next()` and the saved record after it."""

    collection: Collection
    record: Record

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class RecordsListRequestEvent(RequestEvent):
    """A list request. `result` is the page (items, page, perPage, totalItems, totalPages);
    `records` wraps its items: change them or the result before `next()` sends them."""

    collection: Collection
    records: list[Record] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class RecordAuthRequestEvent(RequestEvent):
    """Any successful authentication, before the token and record are sent."""

    collection: Collection
    record: Record
    token: str = ""
    meta: dict[str, Any] | None = None
    auth_method: str = ""

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class RecordAuthWithPasswordRequestEvent(RequestEvent):
    """Before `next()`, `record` is the account found for `identity` (None when there is none);
    the default action checks the password and the auth rule."""

    collection: Collection
    record: Record | None = None
    identity: str = ""
    identity_field: str = ""
    password: str = ""

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class RecordAuthFlowRequestEvent(RequestEvent):
    """A verification, password reset, email change or OTP request, after its input was checked.
    `record` is the account concerned; `new_email` (email change), `password` (the OTP code
    about to be mailed) and `otp` (the `_otps` record being used) are set where they apply."""

    collection: Collection
    record: Record
    new_email: str = ""
    password: str = ""
    otp: Record | None = None

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class RecordAuthWithOAuth2RequestEvent(RequestEvent):
    """After the code exchange: `oauth2_user` is what the provider said (an AuthUser), `record`
    the account it maps to (None when a new one will be created from `create_data`)."""

    collection: Collection
    provider_name: str = ""
    oauth2_user: Any = None
    create_data: dict[str, Any] = field(default_factory=dict)
    record: Record | None = None
    is_new_record: bool = False

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class RecordAuthRefreshRequestEvent(RequestEvent):
    collection: Collection
    record: Record

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class FileDownloadRequestEvent(RequestEvent):
    collection: Collection
    record: Record
    file_field: str = ""
    served_name: str = ""

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class BatchRequestEvent(RequestEvent):
    """`requests` are the sub-requests as submitted ({method, url, body, headers})."""

    requests: list[dict[str, Any]] = field(default_factory=list)


# --- collections ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class CollectionEvent(Event):
    """`collection` is the collection being saved or deleted; for an update, `original` is the
    collection as it was before."""

    app: App
    collection: Collection
    original: Collection | None = None

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True)
class CollectionErrorEvent(Event):
    app: App
    collection: Collection
    error: BaseException

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class CollectionRequestEvent(RequestEvent):
    """A collection create/update/delete request. `data` is the submitted JSON. `collection` is
    the existing collection (None before `next()` on create) and the saved one after `next()`."""

    collection: Collection | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.collection)


@dataclass(slots=True, kw_only=True)
class CollectionsImportRequestEvent(RequestEvent):
    """PUT /api/collections/import: `collections` is the submitted list of collection JSON and
    `delete_missing` whether collections not in it are deleted."""

    collections: list[dict[str, Any]] = field(default_factory=list)
    delete_missing: bool = False


# --- settings ----------------------------------------------------------------------------------------
@dataclass(slots=True, kw_only=True)
class SettingsListRequestEvent(RequestEvent):
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class SettingsUpdateRequestEvent(RequestEvent):
    """`old_settings` as they were; `data` the submitted changes; `new_settings` after `next()`."""

    old_settings: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    new_settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class ApiKeyRequestEvent(RequestEvent):
    """`key` is the API key as answered (`{id, name, collectionId, ...}`; None before a create's
    `next()`); `data` the submitted JSON; after a create's `next()`, `secret` is the new key."""

    key: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    secret: str = ""


@dataclass(slots=True)
class SettingsReloadEvent(Event):
    app: App


# --- realtime ------------------------------------------------------------------------------------------
@dataclass(slots=True, kw_only=True)
class RealtimeConnectRequestEvent(RequestEvent):
    """`client_id` is the new connection's id; `idle_timeout` (s) may be changed before `next()`."""

    client_id: str = ""
    idle_timeout: float = 0.0


@dataclass(slots=True, kw_only=True)
class RealtimeSubscribeRequestEvent(RequestEvent):
    client_id: str = ""
    subscriptions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RealtimeMessageEvent(Event):
    """One message about to be queued for one client; not calling `next()` drops it."""

    app: App
    client_id: str
    name: str
    data: bytes


# --- mail ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class MailerEvent(Event):
    """Any mail about to be sent; change `message` before `next()`, which sends it."""

    app: App
    message: Message


@dataclass(slots=True)
class MailerRecordEvent(Event):
    """A templated mail about an auth record; `meta` holds what the template was filled with
    (`token`, `newEmail`, `otpId`, `password`, `info`)."""

    app: App
    message: Message
    record: Record
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def collection(self) -> Collection:
        return self.record.collection

    def hook_tags(self) -> tuple[str, ...]:
        return _tags(self.record.collection)
