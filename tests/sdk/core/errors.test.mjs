// Error shapes as the SDK surfaces them (ClientResponseError), the health
// endpoint, and bad input: malformed bodies, unknown routes and collections.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    MSG, PB_URL, client, ClientResponseError, dropCollections, expectError, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser();
const guest = client();
const name = uniq('errs');

before(async () => {
    await su.collections.create({
        name, type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '',
        fields: [{ name: 'title', type: 'text', required: true }],
    });
});

after(async () => {
    await dropCollections(su, [name]);
});

describe('ClientResponseError', () => {
    test('carries url, status and the {data, message, status} body', async () => {
        let err;
        try {
            await guest.collection(name).getOne('aaaaaaaaaaaaaaa');
        } catch (e) {
            err = e;
        }
        assert.ok(err instanceof ClientResponseError);
        assert.equal(err.status, 404);
        assert.equal(err.isAbort, false);
        assert.equal(err.url, `${PB_URL}/api/collections/${name}/records/aaaaaaaaaaaaaaa`);
        assert.deepEqual(err.response, { data: {}, message: MSG[404], status: 404 });
        assert.equal(err.message, MSG[404]);
        assert.deepEqual(err.data, err.response);
        assert.equal(err.toJSON().status, 404);
    });

    test('validation errors nest under data by field', async () => {
        const err = await expectError(guest.collection(name).create({ title: '' }),
            { status: 400, message: MSG.createFailed });
        assert.deepEqual(err.response.data, { title: { code: 'validation_required', message: MSG.cannotBeBlank } });
    });
});

describe('health', () => {
    test('check() answers with code (not status) 200', async () => {
        const res = await guest.health.check();
        assert.deepEqual(res, { message: 'API is healthy.', code: 200, data: {} });
    });
});

describe('bad input', () => {
    test('malformed JSON body gives 400', async () => {
        const rec = await guest.collection(name).create({ title: 'ok' });
        const opts = { method: 'PATCH', body: '{bad json', headers: { 'Content-Type': 'application/json' } };
        await expectError(guest.send(`/api/collections/${name}/records/${rec.id}`, opts),
            { status: 400, message: MSG.badInput, data: {} });
        await expectError(guest.send(`/api/collections/${name}/records`, { ...opts, method: 'POST' }),
            { status: 400, message: MSG.badInput, data: {} });
        assert.equal((await guest.collection(name).getOne(rec.id)).title, 'ok');
    });

    test('malformed auth-with-password body gives 400', async () => {
        await expectError(guest.send('/api/collections/_superusers/auth-with-password', {
            method: 'POST', body: '{bad', headers: { 'Content-Type': 'application/json' },
        }), { status: 400, message: MSG.badInput, data: {} });
    });

    test('an unknown API route gives 404 File not found.', async () => {
        await expectError(guest.send('/api/definitely-not-a-route', {}),
            { status: 404, message: 'File not found.', data: {} });
    });

    test('an unknown collection gives 404 on list and view', async () => {
        const missing = uniq('missing');
        await expectError(guest.collection(missing).getList(), { status: 404, message: MSG.missingCollection, data: {} });
        await expectError(guest.collection(missing).getFullList(), { status: 404, message: MSG.missingCollection, data: {} });
    });

    test('an invalid filter gives 400 with empty data', async () => {
        await expectError(guest.collection(name).getList(1, 10, { filter: 'title ==== 1' }),
            { status: 400, message: MSG.badInput, data: {} });
    });
});
