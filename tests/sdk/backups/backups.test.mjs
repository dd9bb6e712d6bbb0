// Backups through the SDK's pb.backups service: create, getFullList, getDownloadURL with a
// superuser file token, upload, delete, and the errors PocketBase answers. (Restoring replaces
// the whole server's data, which the other files share while they run: the restore call is
// exercised against a server of its own in tests/e2e/test_backups_serve.py.)

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DATETIME_RE, client, expectError, rand, superuser } from '../lib/pb.mjs';

const su = await superuser();
const name = `sdk_${rand()}.zip`;
const uploaded = `sdk_up_${rand()}.zip`;

after(async () => {
    for (const key of [name, uploaded]) {
        try { await su.backups.delete(key); } catch { /* already gone */ }
    }
});

describe('pb.backups', () => {
    test('create, list, download, upload, delete', async () => {
        assert.equal(await su.backups.create(name), true);
        const list = await su.backups.getFullList();
        const item = list.find((b) => b.key === name);
        assert.ok(item, `${name} is listed`);
        assert.deepEqual(Object.keys(item).sort(), ['key', 'modified', 'size']);
        assert.match(item.modified, DATETIME_RE);
        assert.ok(item.size > 0);

        const token = await su.files.getToken();
        const url = su.backups.getDownloadURL(token, name);
        assert.ok(url.includes(`/api/backups/${encodeURIComponent(name)}?token=`));
        const res = await fetch(url);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/zip');
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.equal(bytes.length, item.size);
        assert.deepEqual([...bytes.slice(0, 2)], [0x50, 0x4b]); // "PK"

        const form = new FormData();
        form.append('file', new Blob([bytes], { type: 'application/zip' }), uploaded);
        assert.equal(await su.backups.upload(form), true);
        const again = await fetch(su.backups.getDownloadURL(await su.files.getToken(), uploaded));
        assert.deepEqual(new Uint8Array(await again.arrayBuffer()), bytes);

        assert.equal(await su.backups.delete(uploaded), true);
        assert.ok(!(await su.backups.getFullList()).some((b) => b.key === uploaded));
    });

    test('errors', async () => {
        await expectError(su.backups.create('Not Valid'), {
            status: 400,
            message: 'An error occurred while validating the submitted data.',
            data: { name: { code: 'validation_match_invalid', message: 'Must be in a valid format.' } },
        });
        await expectError(su.backups.restore(`missing_${rand()}.zip`), {
            status: 400, message: 'Missing or invalid backup file.',
        });
        await expectError(client().backups.getFullList(), { status: 401 });
        const res = await fetch(su.backups.getDownloadURL('', name));
        assert.equal(res.status, 403);
        assert.equal((await res.json()).message, 'Insufficient permissions to access the resource.');
    });
});
