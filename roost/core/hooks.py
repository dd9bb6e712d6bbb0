"""The hook catalogue: every hook of the App, what runs around `next()`, and the transaction.

Each `app.on_<name>(*tags)` returns a view of one hook; bind with it as a decorator or with
`.bind(fn, id=..., priority=...)`, remove with `.unbind(id)`. Tags (a collection's name or id)
limit a view's handlers to events about those collections. Handlers run by ascending priority.
The default action (the built-in behaviour) is the innermost step: it runs when every handler
called `await e.next()`, and code after `next()` sees its outcome.

"Outside the transaction" means a handler's own database work commits on its own; the record
write itself is atomic either way. After-success hooks run once the write has committed and can
no longer undo it: their failures are logged and the client still gets its 2xx.
"""

from __future__ import annotations

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
    ServeEvent,
    SettingsListRequestEvent,
    SettingsReloadEvent,
    SettingsUpdateRequestEvent,
    TerminateEvent,
)
from roost.hooks import Hook, TaggedHook


class HookSet:
    """The hooks themselves, one attribute per catalogue entry (core code triggers these)."""

    bootstrap: Hook[BootstrapEvent]
    serve: Hook[ServeEvent]
    terminate: Hook[TerminateEvent]
    backup_create: Hook[BackupEvent]
    backup_restore: Hook[BackupEvent]
    record_validate: Hook[RecordEvent]
    record_enrich: Hook[RecordEnrichEvent]
    record_create: Hook[RecordEvent]
    record_create_execute: Hook[RecordEvent]
    record_after_create_success: Hook[RecordEvent]
    record_after_create_error: Hook[RecordErrorEvent]
    record_update: Hook[RecordEvent]
    record_update_execute: Hook[RecordEvent]
    record_after_update_success: Hook[RecordEvent]
    record_after_update_error: Hook[RecordErrorEvent]
    record_delete: Hook[RecordEvent]
    record_delete_execute: Hook[RecordEvent]
    record_after_delete_success: Hook[RecordEvent]
    record_after_delete_error: Hook[RecordErrorEvent]
    record_create_request: Hook[RecordRequestEvent]
    record_update_request: Hook[RecordRequestEvent]
    record_delete_request: Hook[RecordRequestEvent]
    record_view_request: Hook[RecordRequestEvent]
    record_list_request: Hook[RecordsListRequestEvent]
    record_auth_request: Hook[RecordAuthRequestEvent]
    record_auth_with_password_request: Hook[RecordAuthWithPasswordRequestEvent]
    record_auth_with_oauth2_request: Hook[RecordAuthWithOAuth2RequestEvent]
    record_auth_refresh_request: Hook[RecordAuthRefreshRequestEvent]
    record_request_verification_request: Hook[RecordAuthFlowRequestEvent]
    record_confirm_verification_request: Hook[RecordAuthFlowRequestEvent]
    record_request_password_reset_request: Hook[RecordAuthFlowRequestEvent]
    record_confirm_password_reset_request: Hook[RecordAuthFlowRequestEvent]
    record_request_email_change_request: Hook[RecordAuthFlowRequestEvent]
    record_confirm_email_change_request: Hook[RecordAuthFlowRequestEvent]
    record_request_otp_request: Hook[RecordAuthFlowRequestEvent]
    record_auth_with_otp_request: Hook[RecordAuthFlowRequestEvent]
    collection_create: Hook[CollectionEvent]
    collection_after_create_success: Hook[CollectionEvent]
    collection_after_create_error: Hook[CollectionErrorEvent]
    collection_update: Hook[CollectionEvent]
    collection_after_update_success: Hook[CollectionEvent]
    collection_after_update_error: Hook[CollectionErrorEvent]
    collection_delete: Hook[CollectionEvent]
    collection_after_delete_success: Hook[CollectionEvent]
    collection_after_delete_error: Hook[CollectionErrorEvent]
    collection_create_request: Hook[CollectionRequestEvent]
    collection_update_request: Hook[CollectionRequestEvent]
    collection_delete_request: Hook[CollectionRequestEvent]
    collections_import_request: Hook[CollectionsImportRequestEvent]
    settings_list_request: Hook[SettingsListRequestEvent]
    settings_update_request: Hook[SettingsUpdateRequestEvent]
    settings_reload: Hook[SettingsReloadEvent]
    realtime_connect_request: Hook[RealtimeConnectRequestEvent]
    realtime_subscribe_request: Hook[RealtimeSubscribeRequestEvent]
    realtime_message_send: Hook[RealtimeMessageEvent]
    file_download_request: Hook[FileDownloadRequestEvent]
    batch_request: Hook[BatchRequestEvent]
    mailer_send: Hook[MailerEvent]
    mailer_record_verification_send: Hook[MailerRecordEvent]
    mailer_record_password_reset_send: Hook[MailerRecordEvent]
    mailer_record_email_change_send: Hook[MailerRecordEvent]
    mailer_record_otp_send: Hook[MailerRecordEvent]
    mailer_record_auth_alert_send: Hook[MailerRecordEvent]
    api_key_create_request: Hook[ApiKeyRequestEvent]
    api_key_update_request: Hook[ApiKeyRequestEvent]
    api_key_delete_request: Hook[ApiKeyRequestEvent]

    def __init__(self) -> None:
        for name in self.__annotations__:
            setattr(self, name, Hook(name))

    @classmethod
    def names(cls) -> list[str]:
        return list(cls.__annotations__)


class HookCatalogue:
    """Mixed into `App`: the public `on_*` methods."""

    hooks: HookSet

    # --- app lifecycle -------------------------------------------------------------------------------
    def on_bootstrap(self) -> TaggedHook[BootstrapEvent]:
        """Once per process, after the database is open and the collections are loaded, before
        the server takes requests. Before `next()`: the app is loaded; after: the built-in
        bootstrap work is done. No transaction."""
        return TaggedHook(self.hooks.bootstrap, ())

    def on_serve(self) -> TaggedHook[ServeEvent]:
        """When the HTTP application is built, once per worker process. Add routes to `e.router`
        before `next()`; the default action builds the ASGI application (`e.handler`). No transaction."""
        return TaggedHook(self.hooks.serve, ())

    def on_terminate(self) -> TaggedHook[TerminateEvent]:
        """When the server shuts down; `next()` returns before the database closes. No transaction."""
        return TaggedHook(self.hooks.terminate, ())

    def on_backup_create(self) -> TaggedHook[BackupEvent]:
        """A backup is about to be made (API, `roost backup create`, the scheduled job). Before
        `next()`: `e.name` may be set (empty: a generated name) and `e.exclude` extended with
        data folder entries to leave out; `next()` snapshots the database and writes the zip to
        the backups folder. One backup or restore runs at a time. No transaction."""
        return TaggedHook(self.hooks.backup_create, ())

    def on_backup_restore(self) -> TaggedHook[BackupEvent]:
        """A backup `e.name` is about to be restored. `next()` verifies and unpacks it, replaces
        the database and the data folder's entries (except `e.exclude`), reopens the app and
        then restarts the server process when one runs it. Raising before `next()` cancels the
        restore. No transaction (the database swap is atomic on its own)."""
        return TaggedHook(self.hooks.backup_restore, ())

    # --- records: model level ----------------------------------------------------------------------
    def on_record_validate(self, *tags: str) -> TaggedHook[RecordEvent]:
        """Validates a record about to be created or updated. Before `next()`: the values are
        final but unchecked (change them here); the default action checks every field and raises
        a ValidationError. Outside the transaction (inside it for a batch request)."""
        return TaggedHook(self.hooks.record_validate, tags)

    def on_record_enrich(self, *tags: str) -> TaggedHook[RecordEnrichEvent]:
        """Each record sent in a response (list, view, create, update, auth): `e.record` wraps
        the JSON about to be sent; set or delete keys to change it before or after `next()`.
        Nothing is saved; no transaction (the write, if any, has committed)."""
        return TaggedHook(self.hooks.record_enrich, tags)

    def on_record_create(self, *tags: str) -> TaggedHook[RecordEvent]:
        """Any record create (API, batch, scripts). Before `next()`: the record holds the submitted
        values, unvalidated; `next()` validates it and runs the insert (on_record_create_execute).
        Outside the transaction (inside it for a batch request). Raising refuses the create."""
        return TaggedHook(self.hooks.record_create, tags)

    def on_record_create_execute(self, *tags: str) -> TaggedHook[RecordEvent]:
        """The insert itself, after validation. INSIDE the write transaction (`e.tx`): code
        before and after `next()` commits or rolls back with the record; raising rolls back."""
        return TaggedHook(self.hooks.record_create_execute, tags)

    def on_record_after_create_success(self, *tags: str) -> TaggedHook[RecordEvent]:
        """After the create's transaction has committed, with the record as stored; `next()`
        runs the remaining listeners (realtime broadcasts from here, at priority -99). Cannot undo
        the write: an error is logged and the client still gets its 2xx."""
        return TaggedHook(self.hooks.record_after_create_success, tags)

    def on_record_after_create_error(self, *tags: str) -> TaggedHook[RecordErrorEvent]:
        """A create failed (validation, a refused rule, a hook error, a rolled back batch);
        `e.error` is why. Runs after the transaction rolled back; `next()` runs the remaining
        handlers and the error still reaches the client."""
        return TaggedHook(self.hooks.record_after_create_error, tags)

    def on_record_update(self, *tags: str) -> TaggedHook[RecordEvent]:
        """Any record update. Before `next()`: the record holds the new values (unvalidated) and
        `e.record.original()` the stored ones; `next()` validates and runs the update.
        Outside the transaction (inside it for a batch request)."""
        return TaggedHook(self.hooks.record_update, tags)

    def on_record_update_execute(self, *tags: str) -> TaggedHook[RecordEvent]:
        """The UPDATE statement, after validation. INSIDE the write transaction (`e.tx`): code
        before and after `next()` commits or rolls back with the change; raising rolls back."""
        return TaggedHook(self.hooks.record_update_execute, tags)

    def on_record_after_update_success(self, *tags: str) -> TaggedHook[RecordEvent]:
        """After the update's transaction has committed; replaced files are already removed.
        `next()` runs the remaining listeners (realtime). Errors are logged, the client still
        gets its 2xx."""
        return TaggedHook(self.hooks.record_after_update_success, tags)

    def on_record_after_update_error(self, *tags: str) -> TaggedHook[RecordErrorEvent]:
        """An update failed; `e.error` is why. After the transaction rolled back; `next()` runs
        the remaining handlers."""
        return TaggedHook(self.hooks.record_after_update_error, tags)

    def on_record_delete(self, *tags: str) -> TaggedHook[RecordEvent]:
        """Any record delete, cascaded deletes included. Before `next()` the record still exists.
        Outside the transaction for the record the request names; cascaded deletes run inside it."""
        return TaggedHook(self.hooks.record_delete, tags)

    def on_record_delete_execute(self, *tags: str) -> TaggedHook[RecordEvent]:
        """The DELETE statement with its cascade. INSIDE the write transaction (`e.tx`): before
        `next()` the row can still be read there."""
        return TaggedHook(self.hooks.record_delete_execute, tags)

    def on_record_after_delete_success(self, *tags: str) -> TaggedHook[RecordEvent]:
        """After the delete's transaction has committed (once per deleted record, cascades
        included) and its files are removed; `next()` runs the remaining listeners (realtime).
        Errors are logged, the client still gets its 204."""
        return TaggedHook(self.hooks.record_after_delete_success, tags)

    def on_record_after_delete_error(self, *tags: str) -> TaggedHook[RecordErrorEvent]:
        """A delete failed; `e.error` is why. After the transaction rolled back; `next()` runs
        the remaining handlers."""
        return TaggedHook(self.hooks.record_after_delete_error, tags)

    # --- records: requests ---------------------------------------------------------------------------
    def on_record_create_request(self, *tags: str) -> TaggedHook[RecordRequestEvent]:
        """POST /api/collections/{c}/records (and batch creates), after the create rule allowed
        the caller: as in PocketBase, the rule is checked against the values as submitted, before
        any hook runs, so no hook sees a create the rule refuses and changing `e.record` cannot
        make a record pass it. Before `next()`: `e.record` holds the submitted values (change
        them here); `next()` validates and saves them (the model hooks above) and sets
        `e.response`. Not calling `next()` saves nothing: answer with `e.json(...)`. No
        transaction is open before `next()`."""
        return TaggedHook(self.hooks.record_create_request, tags)

    def on_record_update_request(self, *tags: str) -> TaggedHook[RecordRequestEvent]:
        """PATCH /api/collections/{c}/records/{id} (and batch updates), after the update rule
        allowed the caller. Before `next()`: `e.record` has the submitted values applied;
        `next()` saves and sets `e.response`. No transaction is open before `next()`."""
        return TaggedHook(self.hooks.record_update_request, tags)

    def on_record_delete_request(self, *tags: str) -> TaggedHook[RecordRequestEvent]:
        """DELETE /api/collections/{c}/records/{id} (and batch deletes), after the delete rule
        allowed the caller; `next()` deletes and answers 204. No transaction before `next()`."""
        return TaggedHook(self.hooks.record_delete_request, tags)

    def on_record_view_request(self, *tags: str) -> TaggedHook[RecordRequestEvent]:
        """GET /api/collections/{c}/records/{id}, after the view rule found the record; `next()`
        sends it. Read only: no transaction."""
        return TaggedHook(self.hooks.record_view_request, tags)

    def on_record_list_request(self, *tags: str) -> TaggedHook[RecordsListRequestEvent]:
        """GET /api/collections/{c}/records, after the page was read; `next()` sends `e.result`.
        Read only: no transaction."""
        return TaggedHook(self.hooks.record_list_request, tags)

    def on_record_auth_request(self, *tags: str) -> TaggedHook[RecordAuthRequestEvent]:
        """Every successful authentication (password, refresh), before the answer. `next()`
        sends `{token, record, meta?}`; change `e.token` or `e.meta` before it. No transaction."""
        return TaggedHook(self.hooks.record_auth_request, tags)

    def on_record_auth_with_password_request(
        self, *tags: str
    ) -> TaggedHook[RecordAuthWithPasswordRequestEvent]:
        """POST .../auth-with-password. Before `next()`: `e.record` is the account found for
        `e.identity` or None; `next()` checks the password and the auth rule, then runs
        on_record_auth_request. No transaction."""
        return TaggedHook(self.hooks.record_auth_with_password_request, tags)

    def on_record_auth_with_oauth2_request(self, *tags: str) -> TaggedHook[RecordAuthWithOAuth2RequestEvent]:
        """POST .../auth-with-oauth2, after the code exchange. Before `next()`: `e.oauth2_user`,
        `e.record` (None for a new account) and `e.create_data`; `next()` creates or links the
        account in one transaction, then runs on_record_auth_request."""
        return TaggedHook(self.hooks.record_auth_with_oauth2_request, tags)

    def on_record_auth_refresh_request(self, *tags: str) -> TaggedHook[RecordAuthRefreshRequestEvent]:
        """POST .../auth-refresh, after the token was checked; `next()` issues a new token.
        No transaction."""
        return TaggedHook(self.hooks.record_auth_refresh_request, tags)

    # --- records: email flows and one-time passwords ----------------------------------------------------
    def on_record_request_verification_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../request-verification for an existing account (unknown addresses answer 204
        without it). `next()` mails the link in the background unless the account is verified,
        and answers 204. No transaction."""
        return TaggedHook(self.hooks.record_request_verification_request, tags)

    def on_record_confirm_verification_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../confirm-verification with a valid token for `e.record`; `next()` marks it
        verified (a record save: the model hooks run) and answers 204. No transaction."""
        return TaggedHook(self.hooks.record_confirm_verification_request, tags)

    def on_record_request_password_reset_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../request-password-reset for an existing account; `next()` mails the link in
        the background and answers 204. No transaction."""
        return TaggedHook(self.hooks.record_request_password_reset_request, tags)

    def on_record_confirm_password_reset_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../confirm-password-reset with a valid token and new password; `next()` saves
        the password (new tokenKey: earlier sessions end) and answers 204. No transaction."""
        return TaggedHook(self.hooks.record_confirm_password_reset_request, tags)

    def on_record_request_email_change_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../request-email-change by the signed-in `e.record` for `e.new_email`; `next()`
        mails the confirmation link to the new address and answers 204. No transaction."""
        return TaggedHook(self.hooks.record_request_email_change_request, tags)

    def on_record_confirm_email_change_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../confirm-email-change with a valid token and password; `next()` saves
        `e.new_email` (verified, new tokenKey) and answers 204. No transaction."""
        return TaggedHook(self.hooks.record_confirm_email_change_request, tags)

    def on_record_request_otp_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../request-otp for an existing account; `e.password` is the code about to be
        issued (change it before `next()`). `next()` stores it in `_otps`, mails it in the
        background and answers `{otpId}`. No transaction."""
        return TaggedHook(self.hooks.record_request_otp_request, tags)

    def on_record_auth_with_otp_request(self, *tags: str) -> TaggedHook[RecordAuthFlowRequestEvent]:
        """POST .../auth-with-otp once `e.otp` was checked for `e.record`; `next()` deletes the
        OTP, verifies the account when the code went to its address, and signs in
        (on_record_auth_request). No transaction."""
        return TaggedHook(self.hooks.record_auth_with_otp_request, tags)

    # --- collections -----------------------------------------------------------------------------------
    def on_collection_create(self, *tags: str) -> TaggedHook[CollectionEvent]:
        """A collection about to be created, validated. `next()` writes it and creates its
        table in one transaction (the handler itself runs outside it)."""
        return TaggedHook(self.hooks.collection_create, tags)

    def on_collection_after_create_success(self, *tags: str) -> TaggedHook[CollectionEvent]:
        """After a collection create's transaction has committed; `next()` runs the remaining
        handlers. Errors are logged, the client still gets its 200."""
        return TaggedHook(self.hooks.collection_after_create_success, tags)

    def on_collection_after_create_error(self, *tags: str) -> TaggedHook[CollectionErrorEvent]:
        """A collection create failed; `e.error` is why. After the transaction rolled back;
        `next()` runs the remaining handlers."""
        return TaggedHook(self.hooks.collection_after_create_error, tags)

    def on_collection_update(self, *tags: str) -> TaggedHook[CollectionEvent]:
        """A collection about to be changed, validated; `e.original` is the stored one. `next()`
        writes it and alters the table in one transaction (the handler runs outside it)."""
        return TaggedHook(self.hooks.collection_update, tags)

    def on_collection_after_update_success(self, *tags: str) -> TaggedHook[CollectionEvent]:
        """After a collection update's transaction has committed; `next()` runs the remaining
        handlers. Errors are logged, the client still gets its 200."""
        return TaggedHook(self.hooks.collection_after_update_success, tags)

    def on_collection_after_update_error(self, *tags: str) -> TaggedHook[CollectionErrorEvent]:
        """A collection update failed; `e.error` is why. After the transaction rolled back;
        `next()` runs the remaining handlers."""
        return TaggedHook(self.hooks.collection_after_update_error, tags)

    def on_collection_delete(self, *tags: str) -> TaggedHook[CollectionEvent]:
        """A collection about to be deleted, after the checks; `next()` drops it and its table
        in one transaction (the handler runs outside it)."""
        return TaggedHook(self.hooks.collection_delete, tags)

    def on_collection_after_delete_success(self, *tags: str) -> TaggedHook[CollectionEvent]:
        """After a collection delete's transaction has committed and its files are gone;
        `next()` runs the remaining handlers. Errors are logged."""
        return TaggedHook(self.hooks.collection_after_delete_success, tags)

    def on_collection_after_delete_error(self, *tags: str) -> TaggedHook[CollectionErrorEvent]:
        """A collection delete failed; `e.error` is why. After the transaction rolled back;
        `next()` runs the remaining handlers."""
        return TaggedHook(self.hooks.collection_after_delete_error, tags)

    def on_collection_create_request(self, *tags: str) -> TaggedHook[CollectionRequestEvent]:
        """POST /api/collections (superusers). Before `next()`: `e.data` is the submitted JSON and
        `e.collection` None; after: the created collection. No transaction."""
        return TaggedHook(self.hooks.collection_create_request, tags)

    def on_collection_update_request(self, *tags: str) -> TaggedHook[CollectionRequestEvent]:
        """PATCH /api/collections/{c}. Before `next()`: `e.collection` is the stored collection
        and `e.data` the submitted JSON; after: the saved collection. No transaction."""
        return TaggedHook(self.hooks.collection_update_request, tags)

    def on_collection_delete_request(self, *tags: str) -> TaggedHook[CollectionRequestEvent]:
        """DELETE /api/collections/{c}; `next()` deletes it and answers 204. No transaction."""
        return TaggedHook(self.hooks.collection_delete_request, tags)

    def on_collections_import_request(self) -> TaggedHook[CollectionsImportRequestEvent]:
        """PUT /api/collections/import. Before `next()`: `e.collections` and `e.delete_missing`
        as submitted; `next()` imports them all or none (a failed import is undone) and answers
        204. Each collection is saved in a transaction of its own and runs the collection model hooks."""
        return TaggedHook(self.hooks.collections_import_request, ())

    # --- settings --------------------------------------------------------------------------------------
    def on_settings_list_request(self) -> TaggedHook[SettingsListRequestEvent]:
        """GET /api/settings; `e.settings` is what will be sent (secrets masked), `next()` sends it. No transaction."""
        return TaggedHook(self.hooks.settings_list_request, ())

    def on_settings_update_request(self) -> TaggedHook[SettingsUpdateRequestEvent]:
        """PATCH /api/settings. Before `next()`: `e.old_settings` and the submitted `e.data`;
        `next()` validates and stores them (`e.new_settings`). No transaction."""
        return TaggedHook(self.hooks.settings_update_request, ())

    def on_settings_reload(self) -> TaggedHook[SettingsReloadEvent]:
        """Settings (and collections) were reloaded from the database, e.g. after another
        instance changed them. `next()` finishes; no transaction."""
        return TaggedHook(self.hooks.settings_reload, ())

    # --- realtime ---------------------------------------------------------------------------------------
    def on_realtime_connect_request(self) -> TaggedHook[RealtimeConnectRequestEvent]:
        """GET /api/realtime (and the WebSocket): a new client; `next()` keeps the connection
        open until it goes idle or disconnects. Not calling `next()` refuses it. No transaction."""
        return TaggedHook(self.hooks.realtime_connect_request, ())

    def on_realtime_subscribe_request(self) -> TaggedHook[RealtimeSubscribeRequestEvent]:
        """POST /api/realtime: before `next()` `e.subscriptions` may be changed; `next()` stores
        them and answers 204. No transaction."""
        return TaggedHook(self.hooks.realtime_subscribe_request, ())

    def on_realtime_message_send(self) -> TaggedHook[RealtimeMessageEvent]:
        """One message about to be queued for one client (after the rules allowed it); `next()`
        queues it, not calling it drops it. After the write's transaction has committed."""
        return TaggedHook(self.hooks.realtime_message_send, ())

    # --- files and batch ---------------------------------------------------------------------------------
    def on_file_download_request(self, *tags: str) -> TaggedHook[FileDownloadRequestEvent]:
        """GET /api/files/{c}/{id}/{name}, after access was checked; `next()` sends the file.
        No transaction."""
        return TaggedHook(self.hooks.file_download_request, tags)

    def on_batch_request(self) -> TaggedHook[BatchRequestEvent]:
        """POST /api/batch, after the request was read and checked; `next()` runs every
        sub-request in one transaction (each through the record request hooks) and answers."""
        return TaggedHook(self.hooks.batch_request, ())

    # --- mail ------------------------------------------------------------------------------------------
    def on_mailer_send(self) -> TaggedHook[MailerEvent]:
        """Every mail, just before it goes to the SMTP server (or sendmail). Change `e.message`
        before `next()`, which sends it; not calling `next()` sends nothing. Runs after the
        request's transaction committed; mails of requests answered 204 are sent in the
        background and their failures logged."""
        return TaggedHook(self.hooks.mailer_send, ())

    def on_mailer_record_verification_send(self, *tags: str) -> TaggedHook[MailerRecordEvent]:
        """The verification mail of an auth record (`e.meta["token"]`); `next()` sends it
        through on_mailer_send. No transaction."""
        return TaggedHook(self.hooks.mailer_record_verification_send, tags)

    def on_mailer_record_password_reset_send(self, *tags: str) -> TaggedHook[MailerRecordEvent]:
        """The password reset mail (`e.meta["token"]`); `next()` sends it. No transaction."""
        return TaggedHook(self.hooks.mailer_record_password_reset_send, tags)

    def on_mailer_record_email_change_send(self, *tags: str) -> TaggedHook[MailerRecordEvent]:
        """The mail to the new address of an email change (`e.meta["token"]`,
        `e.meta["newEmail"]`); `next()` sends it. No transaction."""
        return TaggedHook(self.hooks.mailer_record_email_change_send, tags)

    def on_mailer_record_otp_send(self, *tags: str) -> TaggedHook[MailerRecordEvent]:
        """The one-time password mail (`e.meta["otpId"]`, `e.meta["password"]`); `next()` sends
        it and records the address in the OTP's `sentTo`. No transaction."""
        return TaggedHook(self.hooks.mailer_record_otp_send, tags)

    def on_mailer_record_auth_alert_send(self, *tags: str) -> TaggedHook[MailerRecordEvent]:
        """The new-location login alert (`e.meta["info"]`); `next()` sends it. No transaction."""
        return TaggedHook(self.hooks.mailer_record_auth_alert_send, tags)

    # --- API keys -----------------------------------------------------------------------------------------
    def on_api_key_create_request(self) -> TaggedHook[ApiKeyRequestEvent]:
        """POST /api/keys (superusers). Before `next()`: `e.data` is the submitted JSON; `next()`
        validates and stores the key and answers it with its one-time secret (`e.key`,
        `e.secret`). No transaction."""
        return TaggedHook(self.hooks.api_key_create_request, ())

    def on_api_key_update_request(self) -> TaggedHook[ApiKeyRequestEvent]:
        """PATCH /api/keys/{id}. Before `next()`: `e.key` is the stored key and `e.data` the
        submitted JSON; after: the saved key. No transaction."""
        return TaggedHook(self.hooks.api_key_update_request, ())

    def on_api_key_delete_request(self) -> TaggedHook[ApiKeyRequestEvent]:
        """DELETE /api/keys/{id}; `next()` revokes the key (on every instance) and answers 204.
        No transaction."""
        return TaggedHook(self.hooks.api_key_delete_request, ())
