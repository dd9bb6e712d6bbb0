// File fields through the SDK: FormData and plain-object uploads, download
// via pb.files.getURL, thumbnails of a generated PNG, multi-file modifiers,
// file validation, and protected files behind pb.files.getToken().

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
    MSG, client, createUsersCollection, dropCollections, expectError, rand, superuser, uniq,
} from '../lib/pb.mjs';
import { makePng, pngSize } from '../lib/png.mjs';

const su = await superuser();
const guest = client();
const filesName = uniq('files');
const usersName = uniq('files_users');
const privName = uniq('files_priv');
let files;

const PASSWORD = 'Secret-pass-123';

before(async () => {
    files = await su.collections.create({
        name: filesName, type: 'base',
        listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
        fields: [
            { name: 'title', type: 'text' },
            { name: 'meta', type: 'json' },
            { name: 'doc', type: 'file', maxSelect: 1, maxSize: 4096 },
            { name: 'docs', type: 'file', maxSelect: 3 },
            { name: 'img', type: 'file', maxSelect: 1, mimeTypes: ['image/png'], thumbs: ['50x50', '0x40'] },
        ],
    });
    const users = await createUsersCollection(su, usersName);
    await su.collections.create({
        name: privName, type: 'base',
        listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id',
        createRule: '@request.auth.id != ""',
        fields: [
            { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
            { name: 'secret', type: 'file', maxSelect: 1, protected: true },
        ],
    });
});

after(async () => {
    await dropCollections(su, [filesName, privName, usersName]);
});

async function download(url) {
    const res = await fetch(url);
    return { res, body: Buffer.from(await res.arrayBuffer()) };
}

const storedName = (base, ext) => new RegExp(`^${base}_[a-z0-9]{10}\\.${ext}$`);

describe('upload and download', () => {
    test('FormData upload; getURL downloads the same bytes', async () => {
        const bytes = randomBytes(3000);
        const fd = new FormData();
        fd.append('title', 'with form data');
        fd.append('doc', new Blob([bytes], { type: 'application/octet-stream' }), 'Random Bytes.bin');
        const rec = await guest.collection(filesName).create(fd);
        assert.equal(rec.title, 'with form data');
        assert.match(rec.doc, storedName('random_bytes', 'bin'));
        assert.deepEqual(rec.docs, []);
        assert.equal(rec.img, '');

        const url = guest.files.getURL(rec, rec.doc);
        assert.equal(url, `${guest.baseURL}/api/files/${files.id}/${rec.id}/${encodeURIComponent(rec.doc)}`);
        const { res, body } = await download(url);
        assert.equal(res.status, 200);
        assert.ok(body.equals(bytes), 'downloaded bytes equal the uploaded bytes');
        assert.equal(res.headers.get('content-disposition'), `attachment; filename="${rec.doc}"`);

        // by collection name too
        const byName = await download(`${guest.baseURL}/api/files/${filesName}/${rec.id}/${rec.doc}`);
        assert.equal(byName.res.status, 200);
        assert.ok(byName.body.equals(bytes));
    });

    test('a plain object with File values is sent as multipart with its JSON values kept', async () => {
        const rec = await guest.collection(filesName).create({
            title: 'plain object',
            meta: { nested: [1, 'two'], ok: true },
            docs: [new File(['first file'], 'first.txt'), new File(['second file'], 'second.txt')],
        });
        assert.equal(rec.title, 'plain object');
        assert.deepEqual(rec.meta, { nested: [1, 'two'], ok: true });
        assert.equal(rec.docs.length, 2);
        assert.match(rec.docs[0], storedName('first', 'txt'));
        assert.match(rec.docs[1], storedName('second', 'txt'));
        const first = await download(guest.files.getURL(rec, rec.docs[0]));
        assert.equal(first.body.toString(), 'first file');
        assert.equal(first.res.headers.get('content-type'), 'text/plain; charset=utf-8');
        const second = await download(guest.files.getURL(rec, rec.docs[1]));
        assert.equal(second.body.toString(), 'second file');
    });

    test('download=1 forces an attachment; images are inline', async () => {
        const png = makePng(30, 20);
        const rec = await guest.collection(filesName).create({ img: new File([png], 'tiny.png', { type: 'image/png' }) });
        const inline = await download(guest.files.getURL(rec, rec.img));
        assert.equal(inline.res.status, 200);
        assert.equal(inline.res.headers.get('content-type'), 'image/png');
        assert.equal(inline.res.headers.get('content-disposition'), `inline; filename="${rec.img}"`);
        assert.ok(inline.body.equals(png));
        const att = await download(guest.files.getURL(rec, rec.img, { download: true }));
        assert.equal(att.res.headers.get('content-disposition'), `attachment; filename="${rec.img}"`);
        assert.ok(att.body.equals(png));
    });

    test('missing files give 404', async () => {
        const rec = await guest.collection(filesName).create({ title: 'no files' });
        const { res, body } = await download(`${guest.baseURL}/api/files/${filesName}/${rec.id}/nope_0123456789.txt`);
        assert.equal(res.status, 404);
        assert.deepEqual(JSON.parse(body.toString()), { data: {}, message: MSG[404], status: 404 });
    });
});

describe('thumbnails', () => {
    let rec;
    const png = makePng(300, 200);

    before(async () => {
        rec = await guest.collection(filesName).create({ img: new File([png], 'photo.png', { type: 'image/png' }) });
        assert.match(rec.img, storedName('photo', 'png'));
    });

    test('100x100 is always available', async () => {
        const { res, body } = await download(guest.files.getURL(rec, rec.img, { thumb: '100x100' }));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'image/png');
        assert.deepEqual(pngSize(body), { width: 100, height: 100 });
    });

    test('sizes listed in the field thumbs, including 0xH keeping the aspect ratio', async () => {
        const a = await download(guest.files.getURL(rec, rec.img, { thumb: '50x50' }));
        assert.deepEqual(pngSize(a.body), { width: 50, height: 50 });
        const b = await download(guest.files.getURL(rec, rec.img, { thumb: '0x40' }));
        assert.deepEqual(pngSize(b.body), { width: 60, height: 40 });
    });

    test('an unlisted size serves the original', async () => {
        const { res, body } = await download(guest.files.getURL(rec, rec.img, { thumb: '70x70' }));
        assert.equal(res.status, 200);
        assert.ok(body.equals(png));
        assert.deepEqual(pngSize(body), { width: 300, height: 200 });
    });
});

describe('modifiers and validation', () => {
    test('docs+ appends and docs- removes (and deletes the stored file)', async () => {
        const rec = await guest.collection(filesName).create({ docs: [new File(['one'], 'one.txt')] });
        const added = await guest.collection(filesName).update(rec.id, { 'docs+': new File(['two'], 'two.txt') });
        assert.equal(added.docs.length, 2);
        assert.equal(added.docs[0], rec.docs[0]);
        assert.match(added.docs[1], storedName('two', 'txt'));

        const removed = await guest.collection(filesName).update(rec.id, { 'docs-': [rec.docs[0]] });
        assert.deepEqual(removed.docs, [added.docs[1]]);
        const gone = await download(guest.files.getURL(rec, rec.docs[0]));
        assert.equal(gone.res.status, 404);
        const kept = await download(guest.files.getURL(rec, added.docs[1]));
        assert.equal(kept.body.toString(), 'two');
    });

    test('setting a single file field to "" deletes the file', async () => {
        const rec = await guest.collection(filesName).create({ doc: new File(['bye'], 'bye.txt') });
        const upd = await guest.collection(filesName).update(rec.id, { doc: '' });
        assert.equal(upd.doc, '');
        assert.equal((await download(guest.files.getURL(rec, rec.doc))).res.status, 404);
    });

    test('deleting the record deletes its files', async () => {
        const rec = await guest.collection(filesName).create({ doc: new File(['x'], 'gone.txt') });
        assert.equal((await download(guest.files.getURL(rec, rec.doc))).res.status, 200);
        await guest.collection(filesName).delete(rec.id);
        assert.equal((await download(guest.files.getURL(rec, rec.doc))).res.status, 404);
    });

    test('size, mime type and count limits', async () => {
        const big = await expectError(guest.collection(filesName).create({
            doc: new File([Buffer.alloc(5000, 1)], 'big.bin'),
        }), { status: 400, message: MSG.createFailed });
        assert.deepEqual(big.response.data, {
            doc: {
                code: 'validation_file_size_limit',
                message: 'Failed to upload big.bin - the maximum allowed file size is 4096 bytes.',
                params: { file: 'big.bin', maxSize: 4096 },
            },
        });
        const mime = await expectError(guest.collection(filesName).create({
            img: new File(['not a png'], 'fake.txt', { type: 'text/plain' }),
        }), { status: 400, message: MSG.createFailed });
        assert.deepEqual(Object.keys(mime.response.data), ['img']);
        assert.equal(mime.response.data.img.code, 'validation_invalid_mime_type');
        const many = await expectError(guest.collection(filesName).create({
            docs: ['a', 'b', 'c', 'd'].map((n) => new File([n], `${n}-file.txt`)),
        }), { status: 400, message: MSG.createFailed });
        assert.deepEqual(many.response.data, {
            docs: {
                code: 'validation_too_many_files',
                message: 'The maximum allowed files is 3.',
                params: { maxSelect: 3 },
            },
        });
    });
});

describe('protected files', () => {
    let owner;
    let other;
    let rec;

    before(async () => {
        const mk = async () => {
            const addr = `f_${rand()}@example.com`;
            const pb = client();
            const user = await pb.collection(usersName).create({ email: addr, password: PASSWORD, passwordConfirm: PASSWORD });
            await pb.collection(usersName).authWithPassword(addr, PASSWORD);
            return { pb, user };
        };
        owner = await mk();
        other = await mk();
        rec = await owner.pb.collection(privName).create({
            owner: owner.user.id,
            secret: new File(['top secret'], 'secret.txt'),
        });
        assert.match(rec.secret, storedName('secret', 'txt'));
    });

    test('without a token the file is not served', async () => {
        const { res, body } = await download(guest.files.getURL(rec, rec.secret));
        assert.equal(res.status, 404);
        assert.deepEqual(JSON.parse(body.toString()), { data: {}, message: MSG[404], status: 404 });
        // an auth token in the URL is not a file token
        const withAuth = await download(guest.files.getURL(rec, rec.secret, { token: owner.pb.authStore.token }));
        assert.equal(withAuth.res.status, 404);
    });

    test('a file token of a user who may view the record unlocks it', async () => {
        const token = await owner.pb.files.getToken();
        assert.equal(typeof token, 'string');
        const { res, body } = await download(owner.pb.files.getURL(rec, rec.secret, { token }));
        assert.equal(res.status, 200);
        assert.equal(body.toString(), 'top secret');
    });

    test('a file token of a user outside the view rule does not', async () => {
        const token = await other.pb.files.getToken();
        const { res } = await download(other.pb.files.getURL(rec, rec.secret, { token }));
        assert.equal(res.status, 404);
    });

    test('a superuser file token unlocks it', async () => {
        const token = await su.files.getToken();
        const { res, body } = await download(su.files.getURL(rec, rec.secret, { token }));
        assert.equal(res.status, 200);
        assert.equal(body.toString(), 'top secret');
    });

    test('guests cannot get a file token', async () => {
        await expectError(guest.files.getToken(), {
            status: 401, message: 'The request requires valid record authorization token.', data: {},
        });
    });
});
