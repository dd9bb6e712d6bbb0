// Backups kept in S3 through the SDK (settings.backups.s3): pb.settings.testS3('backups'), then
// pb.backups create, getFullList, download, upload, delete and restore against the bucket.
// Needs PB_S3 (an S3 settings object as JSON) and a server of its own (the restore replaces its
// data): tests/e2e/test_s3_sdk.py starts a moto server and roost serve for it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientResponseError, dropCollections, superuser, uniq } from '../lib/pb.mjs';

const S3 = JSON.parse(process.env.PB_S3 || 'null');
if (!S3) {
    throw new Error('PB_S3 is not set: run this file through tests/e2e/test_s3_sdk.py');
}
const su = await superuser();
const notes = uniq('s3notes');
const name = `s3_${uniq('b')}.zip`.toLowerCase();
const uploaded = `s3_up_${uniq('b')}.zip`.toLowerCase();

before(async () => {
    await su.collections.create({ name: notes, type: 'base', fields: [{ name: 'n', type: 'number' }] });
});

after(async () => {
    await dropCollections(su, [notes]);
    await su.settings.update({ backups: { s3: { enabled: false } } });
});

async function waitUntilServing(check) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        try {
            const health = await su.health.check();
            if (health.data.canBackup !== false && (await check())) return;
        } catch {
            // restarting
        }
    }
    throw new Error('the server did not come back with the restored data');
}

describe('backups in S3 through the SDK', () => {
    test('testS3 for the backups filesystem', async () => {
        await assert.rejects(su.settings.testS3('backups'), (err) => {
            assert.ok(err instanceof ClientResponseError);
            assert.equal(err.response.message, 'Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled.');
            return true;
        });
        const saved = await su.settings.update({ backups: { s3: S3 } });
        assert.equal(saved.backups.s3.enabled, true);
        assert.equal(saved.backups.s3.secret, undefined);
        assert.equal(await su.settings.testS3('backups'), true);
    });

    test('create, list, download, upload, delete and restore', async () => {
        await su.collection(notes).create({ n: 1 });
        assert.equal(await su.backups.create(name), true);
        const list = await su.backups.getFullList();
        const item = list.find((b) => b.key === name);
        assert.ok(item, `${name} is listed`);
        assert.ok(item.size > 0);

        const res = await fetch(su.backups.getDownloadURL(await su.files.getToken(), name));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/zip');
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.equal(bytes.length, item.size);

        const form = new FormData();
        form.append('file', new Blob([bytes], { type: 'application/zip' }), uploaded);
        assert.equal(await su.backups.upload(form), true);
        assert.ok((await su.backups.getFullList()).some((b) => b.key === uploaded));
        assert.equal(await su.backups.delete(uploaded), true);
        assert.ok(!(await su.backups.getFullList()).some((b) => b.key === uploaded));

        const later = await su.collection(notes).create({ n: 2 });
        assert.equal(await su.backups.restore(name), true);
        await waitUntilServing(async () => {
            const rows = await su.collection(notes).getFullList();
            return !rows.some((r) => r.id === later.id);
        });
        const rows = await su.collection(notes).getFullList({ sort: 'n' });
        assert.deepEqual(rows.map((r) => r.n), [1]);
        // the restored settings keep backups in the bucket: the backup is still listed there
        assert.ok((await su.backups.getFullList()).some((b) => b.key === name));
    });
});
