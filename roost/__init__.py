"""Roost: a self-hosted backend server that speaks PocketBase's Web API.

This module is the public extension API: the App, its events, records, routes helpers and the
error tree. Everything else is internal. See docs/extending.md."""

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
