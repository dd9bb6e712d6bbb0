// Collections API through pb.collections: create (base + auth, many field
// types), view, list, update (add / rename / remove fields keeps data),
// delete, unique indexes and collection validation errors.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import {
    DATETIME_RE, ID_RE, MSG, assertFieldCodes, client, dropCollections, expectError,
    recordingClient, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser(recordingClient());

const baseName = uniq('coll_base');
const authName = uniq('coll_auth');
const relName = uniq('coll_rel');
const uniqName = uniq('coll_uniq');
const tmpName = uniq('coll_tmp');

after(async () => {
    await dropCollections(su, [baseName, relName, authName, uniqName, tmpName]);
});

function crcId(type, name) {
    // pbc_ + IEEE CRC-32 of type+name (zlib.crc32 exists since Node 20.15 / 22.2)
    if (typeof crc32 !== 'function') return null;
    return 'pbc_' + crc32(Buffer.from(type + name));
}

function byName(collection) {
    return Object.fromEntries(collection.fields.map((f) => [f.name, f]));
}

describe('create', () => {
    let rel;
    let base;

    before(async () => {
        rel = await su.collections.create({
            name: relName,
            type: 'base',
            fields: [{ name: 'title', type: 'text' }],
            listRule: '',
            viewRule: '',
        });
    });

    test('base collection with many field types', async () => {
        base = await su.collections.create({
            name: baseName,
            type: 'base',
            listRule: '',
            viewRule: 'title != ""',
            createRule: null,
            fields: [
                { name: 'title', type: 'text', required: true, max: 100 },
                { name: 'count', type: 'number', min: 0, onlyInt: true },
                { name: 'active', type: 'bool' },
                { name: 'contact', type: 'email' },
                { name: 'site', type: 'url' },
                { name: 'body', type: 'editor' },
                { name: 'when', type: 'date' },
                { name: 'created', type: 'autodate', onCreate: true },
                { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
                { name: 'status', type: 'select', values: ['draft', 'published'], maxSelect: 1 },
                { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
                { name: 'meta', type: 'json' },
                { name: 'owner', type: 'relation', collectionId: rel.id, maxSelect: 1, cascadeDelete: true },
                { name: 'links', type: 'relation', collectionId: rel.id, maxSelect: 5 },
                { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1024 * 1024 },
            ],
        });
        assert.equal(su.lastStatus, 200);
        assert.equal(base.name, baseName);
        assert.equal(base.type, 'base');
        assert.equal(base.system, false);
        assert.match(base.id, /^pbc_\d+$/);
        const expectedId = crcId('base', baseName);
        if (expectedId) assert.equal(base.id, expectedId);
        assert.match(base.created, DATETIME_RE);
        assert.match(base.updated, DATETIME_RE);
        assert.deepEqual(base.indexes, []);
        assert.equal(base.listRule, '');
        assert.equal(base.viewRule, 'title != ""');
        assert.equal(base.createRule, null);
        assert.equal(base.updateRule, null);
        assert.equal(base.deleteRule, null);

        assert.deepEqual(base.fields.map((f) => f.name), [
            'id', 'title', 'count', 'active', 'contact', 'site', 'body', 'when', 'created', 'updated',
            'status', 'tags', 'meta', 'owner', 'links', 'doc',
        ]);
        const f = byName(base);
        const types = Object.fromEntries(base.fields.map((x) => [x.name, x.type]));
        assert.deepEqual(types, {
            id: 'text', title: 'text', count: 'number', active: 'bool', contact: 'email', site: 'url',
            body: 'editor', when: 'date', created: 'autodate', updated: 'autodate', status: 'select',
            tags: 'select', meta: 'json', owner: 'relation', links: 'relation', doc: 'file',
        });
        // the implicit primary key
        assert.equal(f.id.id, 'text3208210256');
        assert.equal(f.id.system, true);
        assert.equal(f.id.primaryKey, true);
        assert.equal(f.id.min, 15);
        assert.equal(f.id.max, 15);
        assert.equal(f.id.autogeneratePattern, '[a-z0-9]{15}');
        assert.equal(f.id.pattern, '^[a-z0-9]+$');
        // every field got an id and the common flags
        for (const field of base.fields) {
            assert.equal(typeof field.id, 'string');
            assert.ok(field.id.startsWith(field.type), `field id ${field.id} starts with its type`);
            // type + IEEE CRC-32 of the name
            if (typeof crc32 === 'function') assert.equal(field.id, field.type + crc32(field.name));
            assert.equal(field.hidden, false);
            assert.equal(field.presentable, false);
        }
        assert.equal(f.title.required, true);
        assert.equal(f.title.max, 100);
        assert.equal(f.count.onlyInt, true);
        assert.equal(f.count.min, 0);
        assert.equal(f.count.max, null);
        assert.equal(f.created.onCreate, true);
        assert.equal(f.created.onUpdate, false);
        assert.equal(f.updated.onUpdate, true);
        assert.deepEqual(f.status.values, ['draft', 'published']);
        assert.equal(f.status.maxSelect, 1);
        assert.equal(f.tags.maxSelect, 3);
        assert.equal(f.owner.collectionId, rel.id);
        assert.equal(f.owner.cascadeDelete, true);
        assert.equal(f.owner.maxSelect, 1);
        assert.equal(f.links.cascadeDelete, false);
        assert.equal(f.links.maxSelect, 5);
        assert.equal(f.doc.maxSelect, 1);
        assert.equal(f.doc.maxSize, 1024 * 1024);
        assert.equal(f.doc.protected, false);
    });

    test('auth collection gets the system auth fields and options', async () => {
        const auth = await su.collections.create({
            name: authName,
            type: 'auth',
            fields: [{ name: 'nickname', type: 'text' }],
        });
        assert.equal(auth.type, 'auth');
        const expectedId = crcId('auth', authName);
        if (expectedId) assert.equal(auth.id, expectedId);
        assert.equal(auth.fields[0].name, 'id');
        assert.deepEqual(auth.fields.map((f) => f.name).sort(),
            ['email', 'emailVisibility', 'id', 'nickname', 'password', 'tokenKey', 'verified']);
        const f = byName(auth);
        assert.equal(f.password.type, 'password');
        assert.equal(f.password.hidden, true);
        assert.equal(f.password.system, true);
        assert.equal(f.tokenKey.hidden, true);
        assert.equal(f.email.type, 'email');
        assert.equal(f.email.required, true);
        assert.equal(f.emailVisibility.type, 'bool');
        assert.equal(f.verified.type, 'bool');
        assert.equal(f.nickname.system, false);
        assert.deepEqual(auth.indexes, [
            `CREATE UNIQUE INDEX \`idx_tokenKey_${auth.id}\` ON \`${authName}\` (\`tokenKey\`)`,
            `CREATE UNIQUE INDEX \`idx_email_${auth.id}\` ON \`${authName}\` (\`email\`) WHERE \`email\` != ''`,
        ]);
        assert.equal(auth.authRule, '');
        assert.equal(auth.manageRule, null);
        assert.deepEqual(auth.passwordAuth, { enabled: true, identityFields: ['email'] });
        assert.deepEqual(auth.mfa, { enabled: false, duration: 600, rule: '' });
        assert.equal(auth.otp.enabled, false);
        assert.equal(auth.oauth2.enabled, false);
        assert.deepEqual(auth.oauth2.providers, []);
        assert.deepEqual(auth.authToken, { duration: 432000 });
        assert.deepEqual(auth.fileToken, { duration: 180 });
        // token secrets never leave the server
        assert.equal(JSON.stringify(auth).includes('secret'), false);
    });

    test('getOne by name and by id, getList, getFullList', async () => {
        const byNameRes = await su.collections.getOne(baseName);
        assert.equal(byNameRes.id, base.id);
        assert.deepEqual(byNameRes.fields, base.fields);
        const byIdRes = await su.collections.getOne(base.id);
        assert.equal(byIdRes.name, baseName);

        const list = await su.collections.getList(1, 10, { filter: `name = "${baseName}"` });
        assert.deepEqual(Object.keys(list).sort(), ['items', 'page', 'perPage', 'totalItems', 'totalPages']);
        assert.equal(list.totalItems, 1);
        assert.equal(list.items[0].id, base.id);

        const all = await su.collections.getFullList();
        const names = all.map((c) => c.name);
        for (const n of ['_superusers', 'users', baseName, authName, relName]) {
            assert.ok(names.includes(n), `${n} in the full list`);
        }
        const superusers = all.find((c) => c.name === '_superusers');
        assert.equal(superusers.id, 'pbc_3142635823');
        assert.equal(superusers.system, true);
        assert.equal(superusers.type, 'auth');
        const users = all.find((c) => c.name === 'users');
        assert.equal(users.id, '_pb_users_auth_');
    });

    test('unknown collection gives 404', async () => {
        await expectError(su.collections.getOne(uniq('missing')), { status: 404, message: MSG[404], data: {} });
    });

    test('duplicate name (case-insensitive) and invalid rule fail validation', async () => {
        const err = await expectError(su.collections.create({
            name: baseName.toUpperCase(),
            type: 'base',
            listRule: 'nope = 1',
        }), { status: 400, message: 'Failed to create collection.' });
        assertFieldCodes(err, {
            name: 'validation_collection_name_exists',
            listRule: 'validation_invalid_rule',
        });
        assert.equal(err.response.data.name.message, 'Collection name must be unique (case insensitive).');
    });

    test('relation to an unknown collection fails validation', async () => {
        const err = await expectError(su.collections.create({
            name: uniq('coll_badrel'),
            type: 'base',
            fields: [{ name: 'r', type: 'relation', collectionId: 'pbc_000000' }],
        }), { status: 400, message: 'Failed to create collection.' });
        assert.deepEqual(Object.keys(err.response.data), ['fields']);
        assert.deepEqual(Object.keys(err.response.data.fields), ['1']);
        assert.equal(err.response.data.fields['1'].collectionId.code, 'validation_field_relation_missing_collection');
    });

    test('collections API requires a superuser', async () => {
        await expectError(client().collections.getList(1, 1), {
            status: 401,
            message: 'The request requires valid record authorization token.',
            data: {},
        });
    });
});

describe('update keeps data', () => {
    let coll;
    let rec;

    before(async () => {
        coll = await su.collections.create({
            name: tmpName,
            type: 'base',
            fields: [
                { name: 'title', type: 'text' },
                { name: 'score', type: 'number' },
                { name: 'old_name', type: 'text' },
                { name: 'gone', type: 'bool' },
            ],
        });
        rec = await su.collection(tmpName).create({ title: 'hello', score: 42, old_name: 'kept', gone: true });
    });

    test('add, rename and remove fields in one update', async () => {
        const fields = coll.fields
            .filter((f) => f.name !== 'gone')
            .map((f) => (f.name === 'old_name' ? { ...f, name: 'new_name' } : f));
        fields.push({ name: 'extra', type: 'number' });
        fields.push({ name: 'flag', type: 'bool' });
        const updated = await su.collections.update(tmpName, { fields, listRule: '' });
        assert.equal(su.lastStatus, 200);
        assert.equal(updated.id, coll.id);
        assert.equal(updated.listRule, '');
        assert.deepEqual(updated.fields.map((f) => f.name), ['id', 'title', 'score', 'new_name', 'extra', 'flag']);
        const renamed = updated.fields.find((f) => f.name === 'new_name');
        const original = coll.fields.find((f) => f.name === 'old_name');
        assert.equal(renamed.id, original.id, 'a renamed field keeps its id');

        const got = await su.collection(tmpName).getOne(rec.id);
        assert.deepEqual(got, {
            id: rec.id,
            collectionId: coll.id,
            collectionName: tmpName,
            title: 'hello',
            score: 42,
            new_name: 'kept',
            extra: 0,
            flag: false,
        });
    });

    test('renaming the collection keeps its id and records', async () => {
        const newName = tmpName + '_r';
        const renamed = await su.collections.update(coll.id, { name: newName });
        assert.equal(renamed.id, coll.id);
        assert.equal(renamed.name, newName);
        const got = await su.collection(newName).getOne(rec.id);
        assert.equal(got.collectionName, newName);
        assert.equal(got.title, 'hello');
        await expectError(su.collection(tmpName).getOne(rec.id),
            { status: 404, message: MSG.missingCollection, data: {} });
        await su.collections.update(coll.id, { name: tmpName });
    });

    test('delete returns 204 and the collection is gone', async () => {
        const ok = await su.collections.delete(tmpName);
        assert.equal(ok, true);
        assert.equal(su.lastStatus, 204);
        await expectError(su.collections.getOne(tmpName), { status: 404, message: MSG[404], data: {} });
        await expectError(su.collection(tmpName).getList(), {
            status: 404, message: MSG.missingCollection, data: {},
        });
    });
});

describe('unique index', () => {
    test('violation gives validation_not_unique on the field', async () => {
        const coll = await su.collections.create({
            name: uniqName,
            type: 'base',
            fields: [{ name: 'slug', type: 'text' }, { name: 'n', type: 'number' }],
            indexes: [`CREATE UNIQUE INDEX idx_slug_${uniqName} ON ${uniqName} (slug)`],
        });
        assert.deepEqual(coll.indexes, [`CREATE UNIQUE INDEX idx_slug_${uniqName} ON ${uniqName} (slug)`]);
        const a = await su.collection(uniqName).create({ slug: 'same', n: 1 });
        assert.match(a.id, ID_RE);
        const err = await expectError(su.collection(uniqName).create({ slug: 'same', n: 2 }),
            { status: 400, message: MSG.createFailed });
        assertFieldCodes(err, { slug: 'validation_not_unique' });
        assert.equal(err.response.data.slug.message, 'Value must be unique.');

        const b = await su.collection(uniqName).create({ slug: 'other', n: 3 });
        const err2 = await expectError(su.collection(uniqName).update(b.id, { slug: 'same' }),
            { status: 400, message: MSG.updateFailed });
        assertFieldCodes(err2, { slug: 'validation_not_unique' });
        const list = await su.collection(uniqName).getFullList({ sort: 'n' });
        assert.deepEqual(list.map((r) => [r.slug, r.n]), [['same', 1], ['other', 3]]);
    });
});
