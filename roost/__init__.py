"""Roost: a self-hosted backend server that speaks PocketBase's Web API.

This module is the public extension API: the App, its events, records, routes helpers and the
error tree. Everything else is internal. See docs/extending.md."""

import importlib
import typing as _typing

# no `from __future__ import annotations` here: it would add a public name to the package
if _typing.TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.collections import Collection
    from roost.core.events import (
        ApiKeyRequestEvent,
        BackupEvent,
        BatchRequestEvent,
        BootstrapEvent,
        CollectionErrorEvent,
        CollectionEvent,
        CollectionRequestEvent,
        CollectionsImportRequestEvent,
        FileDownloadRequestEvent,
        MailerEvent,
        MailerRecordEvent,
        RealtimeConnectRequestEvent,
        RealtimeMessageEvent,
        RealtimeSubscribeRequestEvent,
        RecordAuthFlowRequestEvent,
        RecordAuthRefreshRequestEvent,
        RecordAuthRequestEvent,
        RecordAuthWithOAuth2RequestEvent,
        RecordAuthWithPasswordRequestEvent,
        RecordEnrichEvent,
        RecordErrorEvent,
        RecordEvent,
        RecordRequestEvent,
        RecordsListRequestEvent,
        RequestEvent,
        ServeEvent,
        SettingsListRequestEvent,
        SettingsReloadEvent,
        SettingsUpdateRequestEvent,
        TerminateEvent,
    )
    from roost.core.record import Record
    from roost.core.routing import require_auth, require_guest_only, require_superuser
    from roost.cron import Cron, CronError
    from roost.errors import BadRequest as BadRequestError
    from roost.errors import Forbidden as ForbiddenError
    from roost.errors import NotFound as NotFoundError
    from roost.errors import RoostError, ValidationError
    from roost.errors import TooManyRequests as TooManyRequestsError
    from roost.errors import Unauthorized as UnauthorizedError
    from roost.hooks import Event, Hook, TaggedHook
    from roost.mail import Address as MailAddress
    from roost.mail import Message as MailMessage
    from roost.web import Response

__version__ = "0.1.0"

# Where each public name lives. They are imported on first use (PEP 562), so a process that
# only needs the version or the CLI (the `roost serve` supervisor, which only watches its
# workers) does not load the whole server.
_EXPORTS: dict[str, tuple[str, str]] = {
    "ApiKeyRequestEvent": ("roost.core.events", "ApiKeyRequestEvent"),
    "App": ("roost.core.app", "App"),
    "BackupEvent": ("roost.core.events", "BackupEvent"),
    "BadRequestError": ("roost.errors", "BadRequest"),
    "BatchRequestEvent": ("roost.core.events", "BatchRequestEvent"),
    "BootstrapEvent": ("roost.core.events", "BootstrapEvent"),
    "Collection": ("roost.core.collections", "Collection"),
    "CollectionErrorEvent": ("roost.core.events", "CollectionErrorEvent"),
    "CollectionEvent": ("roost.core.events", "CollectionEvent"),
    "CollectionRequestEvent": ("roost.core.events", "CollectionRequestEvent"),
    "CollectionsImportRequestEvent": ("roost.core.events", "CollectionsImportRequestEvent"),
    "Cron": ("roost.cron", "Cron"),
    "CronError": ("roost.cron", "CronError"),
    "Event": ("roost.hooks", "Event"),
    "FileDownloadRequestEvent": ("roost.core.events", "FileDownloadRequestEvent"),
    "ForbiddenError": ("roost.errors", "Forbidden"),
    "Hook": ("roost.hooks", "Hook"),
    "MailAddress": ("roost.mail", "Address"),
    "MailMessage": ("roost.mail", "Message"),
    "MailerEvent": ("roost.core.events", "MailerEvent"),
    "MailerRecordEvent": ("roost.core.events", "MailerRecordEvent"),
    "NotFoundError": ("roost.errors", "NotFound"),
    "RealtimeConnectRequestEvent": ("roost.core.events", "RealtimeConnectRequestEvent"),
    "RealtimeMessageEvent": ("roost.core.events", "RealtimeMessageEvent"),
    "RealtimeSubscribeRequestEvent": ("roost.core.events", "RealtimeSubscribeRequestEvent"),
    "Record": ("roost.core.record", "Record"),
    "RecordAuthFlowRequestEvent": ("roost.core.events", "RecordAuthFlowRequestEvent"),
    "RecordAuthRefreshRequestEvent": ("roost.core.events", "RecordAuthRefreshRequestEvent"),
    "RecordAuthRequestEvent": ("roost.core.events", "RecordAuthRequestEvent"),
    "RecordAuthWithOAuth2RequestEvent": ("roost.core.events", "RecordAuthWithOAuth2RequestEvent"),
    "RecordAuthWithPasswordRequestEvent": ("roost.core.events", "RecordAuthWithPasswordRequestEvent"),
    "RecordEnrichEvent": ("roost.core.events", "RecordEnrichEvent"),
    "RecordErrorEvent": ("roost.core.events", "RecordErrorEvent"),
    "RecordEvent": ("roost.core.events", "RecordEvent"),
    "RecordRequestEvent": ("roost.core.events", "RecordRequestEvent"),
    "RecordsListRequestEvent": ("roost.core.events", "RecordsListRequestEvent"),
    "RequestEvent": ("roost.core.events", "RequestEvent"),
    "Response": ("roost.web", "Response"),
    "RoostError": ("roost.errors", "RoostError"),
    "ServeEvent": ("roost.core.events", "ServeEvent"),
    "SettingsListRequestEvent": ("roost.core.events", "SettingsListRequestEvent"),
    "SettingsReloadEvent": ("roost.core.events", "SettingsReloadEvent"),
    "SettingsUpdateRequestEvent": ("roost.core.events", "SettingsUpdateRequestEvent"),
    "TaggedHook": ("roost.hooks", "TaggedHook"),
    "TerminateEvent": ("roost.core.events", "TerminateEvent"),
    "TooManyRequestsError": ("roost.errors", "TooManyRequests"),
    "UnauthorizedError": ("roost.errors", "Unauthorized"),
    "ValidationError": ("roost.errors", "ValidationError"),
    "require_auth": ("roost.core.routing", "require_auth"),
    "require_guest_only": ("roost.core.routing", "require_guest_only"),
    "require_superuser": ("roost.core.routing", "require_superuser"),
}


def __getattr__(name: str) -> _typing.Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'roost' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ApiKeyRequestEvent",
    "App",
    "BackupEvent",
    "BadRequestError",
    "BatchRequestEvent",
    "BootstrapEvent",
    "Collection",
    "CollectionErrorEvent",
    "CollectionEvent",
    "CollectionRequestEvent",
    "CollectionsImportRequestEvent",
    "Cron",
    "CronError",
    "Event",
    "FileDownloadRequestEvent",
    "ForbiddenError",
    "Hook",
    "MailAddress",
    "MailMessage",
    "MailerEvent",
    "MailerRecordEvent",
    "NotFoundError",
    "RealtimeConnectRequestEvent",
    "RealtimeMessageEvent",
    "RealtimeSubscribeRequestEvent",
    "Record",
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
    "Response",
    "RoostError",
    "ServeEvent",
    "SettingsListRequestEvent",
    "SettingsReloadEvent",
    "SettingsUpdateRequestEvent",
    "TaggedHook",
    "TerminateEvent",
    "TooManyRequestsError",
    "UnauthorizedError",
    "ValidationError",
    "__version__",
    "require_auth",
    "require_guest_only",
    "require_superuser",
]
