// Auth collections through the SDK: sign-up via create, authWithPassword,
// authRefresh, listAuthMethods, superuser auth, email visibility, and
// password change invalidating old tokens.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    DATETIME_RE, ID_RE, MSG, SU_EMAIL, SU_PASSWORD, SUPERUSERS_ID, assertFieldCodes, client,
    createUsersCollection, dropCollections, expectError, jwtPayload, rand, recordingClient, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser();
const usersName = uniq('auth_users');
const notesName = uniq('auth_notes');
let users;

before(async () => {
    users = await createUsersCollection(su, usersName, {
        fields: [
            { name: 'name', type: 'text' },
            { name: 'created', type: 'autodate', onCreate: true },
            { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
        ],
    });
    await su.collections.create({
        name: notesName,
        type: 'base',
        listRule: 'owner = @request.auth.id',
        viewRule: 'owner = @request.auth.id',
        createRule: '@request.auth.id != "" && owner = @request.auth.id',
        fields: [
            { name: 'title', type: 'text' },
            { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
        ],
    });
});

after(async () => {
    await dropCollections(su, [notesName, usersName]);
});

const email = () => `user_${rand()}@example.com`;
const PASSWORD = 'Secret-pass-123';

describe('sign-up', () => {
    test('create with password and passwordConfirm returns the new user without secrets', async () => {
        const pb = recordingClient();
        const addr = email();
        const rec = await pb.collection(usersName).create({
            email: addr, password: PASSWORD, passwordConfirm: PASSWORD, name: 'Alice',
        });
        assert.equal(pb.lastStatus, 200);
        assert.match(rec.id, ID_RE);
        assert.equal(rec.collectionId, users.id);
        assert.equal(rec.collectionName, usersName);
        assert.equal(rec.name, 'Alice');
        assert.equal(rec.verified, false);
        assert.equal(rec.emailVisibility, false);
        assert.match(rec.created, DATETIME_RE);
        // no password, tokenKey or (with emailVisibility off, for a guest) email
        assert.deepEqual(Object.keys(rec).sort(), [
            'collectionId', 'collectionName', 'created', 'emailVisibility', 'id', 'name', 'updated', 'verified',
        ]);
        // the superuser sees the email, but never the password hash or tokenKey
        const asSu = await su.collection(usersName).getOne(rec.id);
        assert.equal(asSu.email, addr);
        assert.equal('password' in asSu, false);
        assert.equal('passwordConfirm' in asSu, false);
    });

    test('emailVisibility exposes the email to others', async () => {
        const addr = email();
        const rec = await client().collection(usersName).create({
            email: addr, emailVisibility: true, password: PASSWORD, passwordConfirm: PASSWORD,
        });
        assert.equal(rec.email, addr);
        assert.equal(rec.emailVisibility, true);
    });

    test('mismatched passwordConfirm, short password and bad email fail validation', async () => {
        const pb = client();
        const err = await expectError(pb.collection(usersName).create({
            email: email(), password: PASSWORD, passwordConfirm: PASSWORD + 'x',
        }), { status: 400, message: MSG.createFailed });
        assert.deepEqual(err.response.data, {
            passwordConfirm: { code: 'validation_values_mismatch', message: "Values don't match." },
        });

        const err2 = await expectError(pb.collection(usersName).create({
            email: 'not-an-email', password: 'short', passwordConfirm: 'short',
        }), { status: 400, message: MSG.createFailed });
        assertFieldCodes(err2, { email: 'validation_is_email', password: 'validation_min_text_constraint' });

        const err3 = await expectError(pb.collection(usersName).create({ email: email() }),
            { status: 400, message: MSG.createFailed });
        assert.deepEqual(err3.response.data, {
            password: { code: 'validation_required', message: MSG.cannotBeBlank },
            passwordConfirm: { code: 'validation_required', message: MSG.cannotBeBlank },
        });
    });

    test('a taken email gives validation_not_unique', async () => {
        const addr = email();
        const pb = client();
        await pb.collection(usersName).create({ email: addr, password: PASSWORD, passwordConfirm: PASSWORD });
        const err = await expectError(pb.collection(usersName).create({
            email: addr, password: PASSWORD, passwordConfirm: PASSWORD,
        }), { status: 400, message: MSG.createFailed });
        assertFieldCodes(err, { email: 'validation_not_unique' });
    });
});

describe('authWithPassword and authRefresh', () => {
    let addr;
    let user;

    before(async () => {
        addr = email();
        user = await client().collection(usersName).create({
            email: addr, password: PASSWORD, passwordConfirm: PASSWORD, name: 'Bob',
        });
    });

    test('authWithPassword returns token and record and fills the authStore', async () => {
        const pb = client();
        const res = await pb.collection(usersName).authWithPassword(addr, PASSWORD);
        assert.deepEqual(Object.keys(res).sort(), ['record', 'token']);
        assert.equal(res.record.id, user.id);
        assert.equal(res.record.email, addr, 'own email is always visible');
        assert.equal(res.record.name, 'Bob');
        assert.equal('password' in res.record, false);
        assert.equal('tokenKey' in res.record, false);
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.isSuperuser, false);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, user.id);

        const claims = jwtPayload(res.token);
        assert.deepEqual(Object.keys(claims).sort(), ['collectionId', 'exp', 'id', 'refreshable', 'type']);
        assert.equal(claims.id, user.id);
        assert.equal(claims.type, 'auth');
        assert.equal(claims.collectionId, users.id);
        assert.equal(claims.refreshable, true);
        const ttl = claims.exp - Date.now() / 1000;
        assert.ok(ttl > 432000 - 120 && ttl <= 432000 + 120, `token lifetime ~5 days (got ${ttl}s)`);
    });

    test('wrong password or unknown identity gives 400 Failed to authenticate.', async () => {
        const expected = { status: 400, message: MSG.authFailed, data: {} };
        await expectError(client().collection(usersName).authWithPassword(addr, 'wrong-password'), expected);
        await expectError(client().collection(usersName).authWithPassword(email(), PASSWORD), expected);
    });

    test('missing identity/password gives validation_required', async () => {
        const err = await expectError(client().collection(usersName).authWithPassword('', ''),
            { status: 400, message: 'An error occurred while validating the submitted data.' });
        assertFieldCodes(err, { identity: 'validation_required', password: 'validation_required' });
    });

    test('the token authorizes requests under @request.auth rules', async () => {
        const pb = client();
        await pb.collection(usersName).authWithPassword(addr, PASSWORD);
        const note = await pb.collection(notesName).create({ title: 'mine', owner: user.id });
        const list = await pb.collection(notesName).getFullList();
        assert.deepEqual(list.map((n) => n.id), [note.id]);
        // the user can view its own record, but no others
        const self = await pb.collection(usersName).getList();
        assert.deepEqual(self.items.map((u) => u.id), [user.id]);
        assert.equal(self.items[0].email, addr);
        // guests see nothing under the same rule
        const asGuest = await client().collection(notesName).getList();
        assert.equal(asGuest.totalItems, 0);
    });

    test('authRefresh returns a new token and the current record', async () => {
        const pb = client();
        await pb.collection(usersName).authWithPassword(addr, PASSWORD);
        await su.collection(usersName).update(user.id, { name: 'Bobby' });
        const res = await pb.collection(usersName).authRefresh();
        assert.deepEqual(Object.keys(res).sort(), ['record', 'token']);
        assert.equal(res.record.id, user.id);
        assert.equal(res.record.name, 'Bobby');
        assert.equal(res.record.email, addr);
        assert.equal(jwtPayload(res.token).id, user.id);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.name, 'Bobby');
    });

    test('authRefresh without a token gives 401', async () => {
        await expectError(client().collection(usersName).authRefresh(), {
            status: 401, message: 'The request requires valid record authorization token.', data: {},
        });
    });

    test('a token of another auth collection cannot refresh here', async () => {
        const pb = await superuser();
        await expectError(pb.collection(usersName).authRefresh(), {
            status: 403, message: 'The request requires auth record from _superusers collection.', data: {},
        });
    });

    test('a garbage token is treated as a guest', async () => {
        const pb = client();
        pb.authStore.save('garbage.token.value', null);
        const list = await pb.collection(notesName).getList();
        assert.equal(list.totalItems, 0);
        await expectError(pb.collection(usersName).authRefresh(), {
            status: 401, message: 'The request requires valid record authorization token.', data: {},
        });
    });
});

describe('listAuthMethods', () => {
    test('a new auth collection allows password auth by email only', async () => {
        const methods = await client().collection(usersName).listAuthMethods();
        assert.deepEqual(methods, {
            password: { enabled: true, identityFields: ['email'] },
            oauth2: { enabled: false, providers: [] },
            mfa: { enabled: false, duration: 0 },
            otp: { enabled: false, duration: 0 },
        });
    });

    test('the full response also carries the legacy keys', async () => {
        const raw = await client().send(`/api/collections/${usersName}/auth-methods`, {});
        assert.deepEqual(raw, {
            password: { enabled: true, identityFields: ['email'] },
            oauth2: { enabled: false, providers: [] },
            mfa: { enabled: false, duration: 0 },
            otp: { enabled: false, duration: 0 },
            authProviders: [],
            usernamePassword: false,
            emailPassword: true,
        });
    });

    test('a base collection is not an auth collection', async () => {
        await expectError(client().collection(notesName).listAuthMethods(), {
            status: 404, message: 'Missing or invalid auth collection context.', data: {},
        });
    });
});

describe('superusers', () => {
    test('authWithPassword on _superusers', async () => {
        const pb = client();
        const res = await pb.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASSWORD);
        assert.equal(res.record.collectionName, '_superusers');
        assert.equal(res.record.collectionId, SUPERUSERS_ID);
        assert.equal(res.record.email, SU_EMAIL);
        assert.equal(pb.authStore.isSuperuser, true);
        assert.equal(pb.authStore.isValid, true);
        const claims = jwtPayload(res.token);
        assert.equal(claims.collectionId, SUPERUSERS_ID);
        assert.equal(claims.type, 'auth');
        const ttl = claims.exp - Date.now() / 1000;
        assert.ok(ttl > 86400 - 120 && ttl <= 86400 + 120, `superuser token lifetime ~1 day (got ${ttl}s)`);
        const refreshed = await pb.collection('_superusers').authRefresh();
        assert.equal(refreshed.record.id, res.record.id);
    });

    test('a wrong superuser password fails', async () => {
        await expectError(client().collection('_superusers').authWithPassword(SU_EMAIL, 'nope-nope-nope'),
            { status: 400, message: MSG.authFailed, data: {} });
    });

    test('a regular user cannot use superuser endpoints', async () => {
        const addr = email();
        const pb = client();
        await pb.collection(usersName).create({ email: addr, password: PASSWORD, passwordConfirm: PASSWORD });
        await pb.collection(usersName).authWithPassword(addr, PASSWORD);
        await expectError(pb.collections.getList(1, 1), {
            status: 403, message: 'The authorized record is not allowed to perform this action.', data: {},
        });
        await expectError(pb.collection('_superusers').getList(1, 1), {
            status: 403, message: MSG.onlySuperusers, data: {},
        });
    });
});

describe('password change', () => {
    test('requires oldPassword; a change invalidates old tokens', async () => {
        const addr = email();
        const pb = client();
        const user = await pb.collection(usersName).create({ email: addr, password: PASSWORD, passwordConfirm: PASSWORD });
        await pb.collection(usersName).authWithPassword(addr, PASSWORD);
        const oldToken = pb.authStore.token;
        await pb.collection(notesName).create({ title: 'before change', owner: user.id });

        const newPassword = 'Another-pass-456';
        const err = await expectError(pb.collection(usersName).update(user.id, {
            password: newPassword, passwordConfirm: newPassword,
        }), { status: 400, message: MSG.updateFailed });
        assert.deepEqual(err.response.data, {
            oldPassword: { code: 'validation_required', message: MSG.cannotBeBlank },
        });

        const err2 = await expectError(pb.collection(usersName).update(user.id, {
            oldPassword: 'wrong-old-password', password: newPassword, passwordConfirm: newPassword,
        }), { status: 400, message: MSG.updateFailed });
        assertFieldCodes(err2, { oldPassword: 'validation_invalid_old_password' });

        // the old password still works after the failed attempts
        await client().collection(usersName).authWithPassword(addr, PASSWORD);

        const updated = await pb.collection(usersName).update(user.id, {
            oldPassword: PASSWORD, password: newPassword, passwordConfirm: newPassword,
        });
        assert.equal(updated.id, user.id);
        assert.equal('password' in updated, false);

        // the old token now acts as a guest
        const stale = client();
        stale.authStore.save(oldToken, null);
        const notes = await stale.collection(notesName).getList();
        assert.equal(notes.totalItems, 0);
        await expectError(stale.collection(usersName).getOne(user.id), { status: 404, message: MSG[404] });
        await expectError(stale.collection(usersName).authRefresh(), { status: 401 });

        // old password fails, new one works and sees the data again
        await expectError(client().collection(usersName).authWithPassword(addr, PASSWORD),
            { status: 400, message: MSG.authFailed });
        const fresh = client();
        await fresh.collection(usersName).authWithPassword(addr, newPassword);
        const again = await fresh.collection(notesName).getList();
        assert.equal(again.totalItems, 1);
        assert.equal(again.items[0].title, 'before change');
    });

    test('a superuser may set a password without oldPassword', async () => {
        const addr = email();
        const user = await client().collection(usersName).create({
            email: addr, password: PASSWORD, passwordConfirm: PASSWORD,
        });
        const pw = 'Set-by-admin-789';
        await su.collection(usersName).update(user.id, { password: pw, passwordConfirm: pw });
        const res = await client().collection(usersName).authWithPassword(addr, pw);
        assert.equal(res.record.id, user.id);
    });

    test('deleting the authed record through the SDK clears its authStore', async () => {
        const addr = email();
        const pb = client();
        const user = await pb.collection(usersName).create({ email: addr, password: PASSWORD, passwordConfirm: PASSWORD });
        await pb.collection(usersName).authWithPassword(addr, PASSWORD);
        assert.equal(await pb.collection(usersName).delete(user.id), true);
        assert.equal(pb.authStore.token, '');
        await expectError(su.collection(usersName).getOne(user.id), { status: 404 });
    });
});
