// S3 file storage through the SDK: pb.settings.testS3, then a file round trip (upload,
// getURL download, thumbnail, protected file with getToken, delete) with settings.s3 on.
// Needs PB_S3 (the settings.s3 object as JSON): tests/e2e/test_s3_sdk.py starts a moto
// server and a server of its own for it, since switching storage would disturb other files.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ClientResponseError, client, dropCollections, superuser, uniq } from '../lib/pb.mjs';
import { makePng, pngSize } from '../lib/png.mjs';

const S3 = JSON.parse(process.env.PB_S3 || 'null');
if (!S3) {
    throw new Error('PB_S3 is not set: run this file through tests/e2e/test_s3_sdk.py');
}
const su = await superuser();
const guest = client();
const name = uniq('s3files');

before(async () => {
    await su.settings.update({ s3: S3 });
    await su.collections.create({
        name, type: 'base',
        listRule: '', viewRule: "@request.auth.id != ''", createRule: '', updateRule: '', deleteRule: '',
        fields: [
            { name: 'doc', type: 'file', maxSelect: 1 },
            { name: 'img', type: 'file', maxSelect: 1, thumbs: ['30x20'] },
            { name: 'secret', type: 'file', maxSelect: 1, protected: true },
        ],
    });
});

after(async () => {
    await dropCollections(su, [name]);
    await su.settings.update({ s3: { enabled: false } });
});

describe('S3 storage through the SDK', () => {
    test('testS3 passes with the saved settings and fails with a wrong secret', async () => {
        assert.equal(await su.settings.testS3('storage'), true);
        await su.settings.update({ s3: { secret: 'wrong' } });
        await assert.rejects(su.settings.testS3('storage'), (err) => {
            assert.ok(err instanceof ClientResponseError);
            assert.equal(err.status, 400);
            assert.match(err.response.message, /^Failed to test the S3 filesystem\. Raw error: \n/);
            return true;
        });
        await su.settings.update({ s3: { secret: S3.secret } });
        assert.equal(await su.settings.testS3('storage'), true);
    });

    test('upload, download, thumb, protected file and delete', async () => {
        const bytes = randomBytes(200_000);
        const png = makePng(64, 48);
        const fd = new FormData();
        fd.append('doc', new Blob([bytes]), 'data.bin');
        fd.append('img', new Blob([png], { type: 'image/png' }), 'pic.png');
        fd.append('secret', new Blob([Buffer.from('hush')]), 'secret.txt');
        const rec = await guest.collection(name).create(fd);

        const res = await fetch(guest.files.getURL(rec, rec.doc));
        assert.equal(res.status, 200);
        assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
        assert.equal(res.headers.get('content-disposition'), `attachment; filename="${rec.doc}"`);

        const part = await fetch(guest.files.getURL(rec, rec.doc), { headers: { Range: 'bytes=100-199' } });
        assert.equal(part.status, 206);
        assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200));

        const thumb = await fetch(guest.files.getURL(rec, rec.img, { thumb: '30x20' }));
        assert.equal(thumb.status, 200);
        assert.deepEqual(pngSize(Buffer.from(await thumb.arrayBuffer())), { width: 30, height: 20 });

        const hidden = await fetch(guest.files.getURL(rec, rec.secret));
        assert.equal(hidden.status, 404); // protected: only with a file token of a viewer
        const token = await su.files.getToken();
        const shown = await fetch(su.files.getURL(rec, rec.secret, { token }));
        assert.equal(Buffer.from(await shown.arrayBuffer()).toString(), 'hush');

        const url = guest.files.getURL(rec, rec.doc);
        await guest.collection(name).delete(rec.id);
        assert.equal((await fetch(url)).status, 404);
    });
});
