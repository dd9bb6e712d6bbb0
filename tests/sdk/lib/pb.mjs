// Shared helpers for the SDK conformance suite.
//
// Every test file imports this module. It reads the server address and the
// superuser credentials from the environment (set by run.py), installs an
// EventSource implementation for the SDK's realtime service, and offers small
// helpers for clients, unique names and error assertions.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventSource } from 'eventsource';
import PocketBase, { ClientResponseError } from 'pocketbase';

// The SDK opens `new EventSource(url)` from the global scope; Node has none.
if (typeof globalThis.EventSource === 'undefined') {
    globalThis.EventSource = EventSource;
}

export { PocketBase, ClientResponseError };

function requiredEnv(name) {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set: run the suite through tests/sdk/run.py`);
    }
    return v;
}

export const PB_URL = requiredEnv('PB_URL');
export const SU_EMAIL = requiredEnv('PB_SU_EMAIL');
export const SU_PASSWORD = requiredEnv('PB_SU_PASSWORD');

export const SUPERUSERS_ID = 'pbc_3142635823';
export const ID_RE = /^[a-z0-9]{15}$/;
export const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const MSG = {
    400: 'Something went wrong while processing your request.',
    403: 'You are not allowed to perform this request.',
    404: "The requested resource wasn't found.",
    onlySuperusers: 'Only superusers can perform this action.',
    createFailed: 'Failed to create record.',
    updateFailed: 'Failed to update record.',
    authFailed: 'Failed to authenticate.',
    missingCollection: 'Missing collection context.',
    cannotBeBlank: 'Cannot be blank.',
    // Malformed input (a bad filter, sort, page or JSON body): PocketBase answers the generic
    // 400 sentence, Roost a sentence that says what to fix. Both must be one non-empty sentence.
    badInput: /^\S.*\.$/s,
};

/** A fresh client with auto-cancellation off (tests fire parallel requests). */
export function client() {
    const pb = new PocketBase(PB_URL);
    pb.autoCancellation(false);
    return pb;
}

/** A client that remembers the HTTP status of its last response in `pb.lastStatus`. */
export function recordingClient() {
    const pb = client();
    pb.lastStatus = undefined;
    pb.afterSend = (response, data) => {
        pb.lastStatus = response.status;
        return data;
    };
    return pb;
}

/** A client authenticated as the run's superuser. */
export async function superuser(pb = client()) {
    await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
    return pb;
}

/** A lowercase random suffix, safe for collection names and emails. */
export function rand(n = 8) {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const bytes = randomBytes(n);
    let s = '';
    for (const b of bytes) s += alphabet[b % alphabet.length];
    return s;
}

/** A unique collection name like `posts_k3j9x0aa`. */
export function uniq(prefix) {
    return `${prefix}_${rand()}`;
}

/**
 * Await `promise`, which must reject with a ClientResponseError, and check it.
 * `expected` may hold `status`, `message` and `data` (deep-equal) and returns the error.
 */
export async function expectError(promise, expected = {}) {
    let err;
    try {
        await promise;
    } catch (e) {
        err = e;
    }
    assert.ok(err, 'expected the request to fail, but it succeeded');
    assert.ok(err instanceof ClientResponseError, `expected ClientResponseError, got ${err}`);
    if (expected.status !== undefined) {
        assert.equal(err.status, expected.status, `status (response: ${JSON.stringify(err.response)})`);
        // the error body always repeats the status (except on aborted requests)
        assert.equal(err.response.status, expected.status, 'response.status');
    }
    if (expected.message instanceof RegExp) {
        assert.match(err.response.message, expected.message, 'response.message');
        assert.equal(err.message, err.response.message, 'err.message');
    } else if (expected.message !== undefined) {
        assert.equal(err.response.message, expected.message, 'response.message');
        assert.equal(err.message, expected.message, 'err.message');
    }
    if (expected.data !== undefined) {
        assert.deepEqual(err.response.data, expected.data, 'response.data');
    }
    if (expected.status !== undefined || expected.message !== undefined) {
        assert.deepEqual(Object.keys(err.response).sort(), ['data', 'message', 'status'],
            'error body keys');
    }
    return err;
}

/** Asserts a validation error {code, message} (params ignored) for each listed field. */
export function assertFieldCodes(err, codes) {
    const data = err.response.data;
    assert.deepEqual(Object.keys(data).sort(), Object.keys(codes).sort(),
        `invalid fields (data: ${JSON.stringify(data)})`);
    for (const [field, code] of Object.entries(codes)) {
        assert.equal(data[field].code, code, `code of ${field}`);
        assert.equal(typeof data[field].message, 'string', `message of ${field}`);
        assert.ok(data[field].message.length > 0, `message of ${field} is not empty`);
    }
}

/** Best-effort deletion of collections (children first), for `after()` hooks. */
export async function dropCollections(pb, names) {
    for (const name of names) {
        if (!name) continue;
        try {
            await pb.collections.delete(name);
        } catch (e) {
            if (!(e instanceof ClientResponseError) || e.status !== 404) {
                // keep going, but make the problem visible
                console.error(`cleanup: could not delete collection ${name}: ${e}`);
            }
        }
    }
}

/** An auth collection with public create and "own record" rules (like the default users). */
export async function createUsersCollection(su, name = uniq('users'), extra = {}) {
    return su.collections.create({
        name,
        type: 'auth',
        listRule: 'id = @request.auth.id',
        viewRule: 'id = @request.auth.id',
        createRule: '',
        updateRule: 'id = @request.auth.id',
        deleteRule: 'id = @request.auth.id',
        ...extra,
    });
}

/** Signs up a user through the public create endpoint and returns a client logged in as them. */
export async function signUpAndLogin(collection, email, password = 'Secret-pass-123', data = {}) {
    const pb = client();
    const record = await pb.collection(collection).create({ email, password, passwordConfirm: password, ...data });
    await pb.collection(collection).authWithPassword(email, password);
    return { pb, record, email, password };
}

/** Decodes a JWT payload (no verification). */
export function jwtPayload(token) {
    const part = token.split('.')[1];
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Sleeps for `ms` milliseconds. */
export function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
