// Batch API through pb.createBatch(): disabled by default, commit of mixed
// create/update/delete/upsert requests, all-or-nothing rollback, limits,
// rules evaluated with the outer auth, and files inside a batch.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    ID_RE, MSG, client, dropCollections, expectError, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser();
const guest = client();
const name = uniq('batch');
const lockedName = uniq('batch_locked');
let coll;
let original;

before(async () => {
    original = (await su.settings.getAll()).batch;
    coll = await su.collections.create({
        name, type: 'base',
        listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
        fields: [
            { name: 'title', type: 'text', required: true },
            { name: 'n', type: 'number' },
            { name: 'doc', type: 'file', maxSelect: 1 },
        ],
    });
    await su.collections.create({ name: lockedName, type: 'base', fields: [{ name: 'title', type: 'text' }] });
});

after(async () => {
    if (original) {
        await su.settings.update({ batch: original });
    }
    await dropCollections(su, [name, lockedName]);
});

async function titles() {
    const all = await su.collection(name).getFullList({ sort: 'title' });
    return all.map((r) => r.title);
}

describe('settings', () => {
    test('batch requests are refused while batch is disabled', async () => {
        const s = await su.settings.update({ batch: { enabled: false } });
        assert.equal(s.batch.enabled, false);
        const batch = guest.createBatch();
        batch.collection(name).create({ title: 'never' });
        await expectError(batch.send(), { status: 403, message: 'Batch requests are not allowed.', data: {} });
        assert.deepEqual(await titles(), []);
    });

    test('a superuser enables batch through pb.settings.update', async () => {
        const s = await su.settings.update({ batch: { enabled: true, maxRequests: 50 } });
        assert.equal(s.batch.enabled, true);
        assert.equal(s.batch.maxRequests, 50);
        const again = await su.settings.getAll();
        assert.equal(again.batch.enabled, true);
        assert.equal(again.batch.maxRequests, 50);
    });
});

describe('commit', () => {
    test('creates, updates, deletes and upserts are applied together', async () => {
        const keep = await guest.collection(name).create({ title: 'keep', n: 1 });
        const drop = await guest.collection(name).create({ title: 'drop' });

        const batch = guest.createBatch();
        batch.collection(name).create({ title: 'new-1', n: 10 });
        batch.collection(name).create({ title: 'new-2', n: 20 }, { fields: 'id,title' });
        batch.collection(name).update(keep.id, { 'n+': 5, title: 'kept' });
        batch.collection(name).delete(drop.id);
        batch.collection(name).upsert({ id: 'upsertbatch0001', title: 'upserted', n: 7 });
        batch.collection(name).upsert({ id: keep.id, n: 100 });
        const res = await batch.send();

        assert.equal(res.length, 6);
        assert.deepEqual(res.map((r) => r.status), [200, 200, 200, 204, 200, 200]);
        for (const r of res) assert.deepEqual(Object.keys(r).sort(), ['body', 'status']);

        const [c1, c2, u1, d1, up1, up2] = res.map((r) => r.body);
        assert.match(c1.id, ID_RE);
        assert.deepEqual(c1, { id: c1.id, collectionId: coll.id, collectionName: name, title: 'new-1', n: 10, doc: '' });
        assert.deepEqual(Object.keys(c2).sort(), ['id', 'title'], 'per-request fields are applied');
        assert.equal(c2.title, 'new-2');
        assert.equal(u1.id, keep.id);
        assert.equal(u1.n, 6);
        assert.equal(u1.title, 'kept');
        assert.equal(d1, null);
        assert.equal(up1.id, 'upsertbatch0001');
        assert.equal(up1.title, 'upserted');
        assert.equal(up2.id, keep.id);
        assert.equal(up2.n, 100);
        assert.equal(up2.title, 'kept');

        await expectError(guest.collection(name).getOne(drop.id), { status: 404, message: MSG[404] });
        const stored = await guest.collection(name).getOne(keep.id);
        assert.equal(stored.n, 100);
        assert.deepEqual(await titles(), ['kept', 'new-1', 'new-2', 'upserted']);
    });

    test('files can be uploaded inside a batch', async () => {
        const batch = guest.createBatch();
        batch.collection(name).create({ title: 'with-file', doc: new File(['batch bytes'], 'batchfile.txt') });
        const [res] = await batch.send();
        assert.equal(res.status, 200);
        assert.match(res.body.doc, /^batchfile.*\.txt$/);
        const dl = await fetch(guest.files.getURL(res.body, res.body.doc));
        assert.equal(dl.status, 200);
        assert.equal(await dl.text(), 'batch bytes');
        await su.collection(name).delete(res.body.id);
    });
});

describe('rollback', () => {
    test('one failing request applies nothing and reports data.requests', async () => {
        const before = await titles();
        const target = await su.collection(name).getFirstListItem('title = "kept"');

        const batch = guest.createBatch();
        batch.collection(name).create({ title: 'rolled-back' });
        batch.collection(name).update(target.id, { title: 'changed' });
        batch.collection(name).create({ n: 1 }); // title is required
        batch.collection(name).create({ title: 'never-reached' });
        const err = await expectError(batch.send(), { status: 400, message: 'Batch transaction failed.' });
        assert.deepEqual(err.response.data, {
            requests: {
                2: {
                    code: 'batch_request_failed',
                    message: 'Batch request failed.',
                    response: {
                        data: { title: { code: 'validation_required', message: MSG.cannotBeBlank } },
                        message: MSG.createFailed,
                        status: 400,
                    },
                },
            },
        });
        assert.deepEqual(await titles(), before);
        assert.equal((await su.collection(name).getOne(target.id)).title, 'kept');
    });

    test('a missing record in the batch fails it with the inner 404', async () => {
        const before = await titles();
        const batch = guest.createBatch();
        batch.collection(name).create({ title: 'rolled-back-2' });
        batch.collection(name).delete('missingmissing1');
        const err = await expectError(batch.send(), { status: 400, message: 'Batch transaction failed.' });
        assert.deepEqual(err.response.data, {
            requests: {
                1: {
                    code: 'batch_request_failed',
                    message: 'Batch request failed.',
                    response: { data: {}, message: MSG[404], status: 404 },
                },
            },
        });
        assert.deepEqual(await titles(), before);
    });

    test('rules are checked with the outer request auth', async () => {
        const batch = guest.createBatch();
        batch.collection(lockedName).create({ title: 'nope' });
        const err = await expectError(batch.send(), { status: 400, message: 'Batch transaction failed.' });
        assert.deepEqual(err.response.data.requests[0].response,
            { data: {}, message: MSG.onlySuperusers, status: 403 });

        const asSu = su.createBatch();
        asSu.collection(lockedName).create({ title: 'allowed' });
        const [res] = await asSu.send();
        assert.equal(res.status, 200);
        assert.equal(res.body.title, 'allowed');
    });
});

describe('limits', () => {
    test('more than maxRequests or no requests at all is invalid', async () => {
        await su.settings.update({ batch: { enabled: true, maxRequests: 3 } });
        try {
            const batch = guest.createBatch();
            for (let i = 0; i < 4; i++) batch.collection(name).create({ title: `over-${i}` });
            const err = await expectError(batch.send(), { status: 400, message: 'Invalid batch request data.' });
            assert.deepEqual(err.response.data, {
                requests: {
                    code: 'validation_length_too_long',
                    message: 'The length must be no more than 3.',
                    params: { max: 3, min: 0 },
                },
            });
            const empty = await expectError(guest.createBatch().send(),
                { status: 400, message: 'Invalid batch request data.' });
            assert.deepEqual(empty.response.data, {
                requests: { code: 'validation_required', message: MSG.cannotBeBlank },
            });
            const titlesNow = await titles();
            assert.equal(titlesNow.some((t) => t.startsWith('over-')), false);
        } finally {
            await su.settings.update({ batch: { enabled: true, maxRequests: 50 } });
        }
    });
});
