// Records CRUD through pb.collection(name): create/getOne/update/delete,
// record JSON shape, zero values, value round-trips, field modifiers,
// validation errors, expand and cascadeDelete.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    DATETIME_RE, ID_RE, MSG, assertFieldCodes, client, dropCollections, expectError,
    recordingClient, sleep, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser();
const guest = recordingClient();

const parentName = uniq('rec_parent');
const hiddenParentName = uniq('rec_hparent');
const mainName = uniq('rec_main');
const childName = uniq('rec_child');

let parent;
let hiddenParent;
let main;
let child;

const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };

before(async () => {
    parent = await su.collections.create({
        name: parentName, type: 'base', ...open,
        fields: [{ name: 'title', type: 'text' }, { name: 'rank', type: 'number' }],
    });
    hiddenParent = await su.collections.create({
        name: hiddenParentName, type: 'base', listRule: '', viewRule: 'secret = false',
        fields: [{ name: 'title', type: 'text' }, { name: 'secret', type: 'bool' }],
    });
    main = await su.collections.create({
        name: mainName, type: 'base', ...open,
        fields: [
            { name: 'title', type: 'text', max: 50 },
            { name: 'num', type: 'number' },
            { name: 'views', type: 'number' },
            { name: 'flag', type: 'bool' },
            { name: 'mail', type: 'email' },
            { name: 'link', type: 'url' },
            { name: 'body', type: 'editor' },
            { name: 'when', type: 'date' },
            { name: 'created', type: 'autodate', onCreate: true },
            { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
            { name: 'status', type: 'select', values: ['draft', 'published'], maxSelect: 1 },
            { name: 'tags', type: 'select', values: ['a', 'b', 'c', 'd'], maxSelect: 4 },
            { name: 'meta', type: 'json' },
            { name: 'owner', type: 'relation', collectionId: parent.id, maxSelect: 1 },
            { name: 'links', type: 'relation', collectionId: parent.id, maxSelect: 5 },
            { name: 'secretRel', type: 'relation', collectionId: hiddenParent.id, maxSelect: 1 },
            { name: 'doc', type: 'file', maxSelect: 1 },
            { name: 'docs', type: 'file', maxSelect: 3 },
            { name: 'geo', type: 'geoPoint' },
        ],
    });
    child = await su.collections.create({
        name: childName, type: 'base', ...open,
        fields: [
            { name: 'title', type: 'text' },
            { name: 'single', type: 'relation', collectionId: parent.id, maxSelect: 1, cascadeDelete: true },
            { name: 'multi', type: 'relation', collectionId: parent.id, maxSelect: 5, cascadeDelete: true },
            { name: 'plain', type: 'relation', collectionId: parent.id, maxSelect: 1 },
        ],
    });
});

after(async () => {
    await dropCollections(su, [childName, mainName, hiddenParentName, parentName]);
});

const MAIN_KEYS = [
    'body', 'collectionId', 'collectionName', 'created', 'doc', 'docs', 'flag', 'geo', 'id', 'link',
    'links', 'mail', 'meta', 'num', 'owner', 'secretRel', 'status', 'tags', 'title', 'updated', 'views', 'when',
].sort();

describe('create and read', () => {
    test('create with an empty body returns 200 and the zero value of every field', async () => {
        const rec = await guest.collection(mainName).create({});
        assert.equal(guest.lastStatus, 200);
        assert.deepEqual(Object.keys(rec).sort(), MAIN_KEYS);
        assert.match(rec.id, ID_RE);
        assert.equal(rec.collectionId, main.id);
        assert.equal(rec.collectionName, mainName);
        assert.match(rec.created, DATETIME_RE);
        assert.equal(rec.updated, rec.created);
        const { id, collectionId, collectionName, created, updated, ...values } = rec;
        assert.deepEqual(values, {
            title: '',
            num: 0,
            views: 0,
            flag: false,
            mail: '',
            link: '',
            body: '',
            when: '',
            status: '',
            tags: [],
            meta: null,
            owner: '',
            links: [],
            secretRel: '',
            doc: '',
            docs: [],
            geo: { lon: 0, lat: 0 },
        });
    });

    test('created timestamps are current UTC time', async () => {
        const before = Date.now();
        const rec = await guest.collection(mainName).create({ title: 'clock' });
        const after = Date.now();
        const ts = Date.parse(rec.created.replace(' ', 'T'));
        assert.ok(ts >= before - 2000 && ts <= after + 2000, `created ${rec.created} is now`);
    });

    test('values of every field type round-trip', async () => {
        const p1 = await su.collection(parentName).create({ title: 'p1' });
        const p2 = await su.collection(parentName).create({ title: 'p2' });
        const input = {
            title: 'Hello – üñíçødé',
            num: -12.5,
            views: 3,
            flag: true,
            mail: 'someone@example.com',
            link: 'https://example.com/a?b=c',
            body: '<p>Some <strong>rich</strong> text</p>',
            when: '2024-02-29 13:14:15.678Z',
            status: 'published',
            tags: ['c', 'a'],
            meta: { nested: { list: [1, 'two', null, true] }, n: 1.5 },
            owner: p1.id,
            links: [p2.id, p1.id],
            geo: { lon: 23.3219, lat: 42.6977 },
        };
        const rec = await guest.collection(mainName).create(input);
        for (const [k, v] of Object.entries(input)) {
            assert.deepEqual(rec[k], v, `field ${k}`);
        }
        const got = await guest.collection(mainName).getOne(rec.id);
        assert.deepEqual(got, rec);
        assert.equal(guest.lastStatus, 200);
    });

    test('date input is normalized to YYYY-MM-DD HH:MM:SS.sssZ', async () => {
        const cases = [
            ['2024-01-02T03:04:05Z', '2024-01-02 03:04:05.000Z'],
            ['2024-01-02 03:04:05.678Z', '2024-01-02 03:04:05.678Z'],
            ['2024-01-02', '2024-01-02 00:00:00.000Z'],
            ['', ''],
        ];
        for (const [input, expected] of cases) {
            const rec = await guest.collection(mainName).create({ when: input });
            assert.equal(rec.when, expected, `date ${JSON.stringify(input)}`);
        }
        // a JS Date is serialized by JSON.stringify as ISO 8601
        const rec = await guest.collection(mainName).create({ when: new Date(Date.UTC(2030, 11, 31, 23, 59, 58, 7)) });
        assert.equal(rec.when, '2030-12-31 23:59:58.007Z');
    });

    test('scalar values are coerced the way the server normalizes them', async () => {
        const rec = await guest.collection(mainName).create({ num: '12', flag: 'true', tags: 'b', meta: '{"a":1}' });
        assert.equal(rec.num, 12);
        assert.equal(rec.flag, true);
        assert.deepEqual(rec.tags, ['b']);
        assert.deepEqual(rec.meta, { a: 1 });
    });

    test('unknown keys are ignored; autodate values sent by clients are ignored', async () => {
        const rec = await guest.collection(mainName).create({
            title: 'x', nope: 'ignored', created: '2000-01-01 00:00:00.000Z',
        });
        assert.equal('nope' in rec, false);
        assert.notEqual(rec.created, '2000-01-01 00:00:00.000Z');
        assert.match(rec.created, DATETIME_RE);
    });

    test('a client-chosen 15 character id is accepted once', async () => {
        const id = 'abc' + Date.now().toString(36).slice(-6).padStart(6, '0') + 'zz0000';
        assert.match(id, ID_RE);
        const rec = await guest.collection(mainName).create({ id, title: 'custom id' });
        assert.equal(rec.id, id);
        const err = await expectError(guest.collection(mainName).create({ id, title: 'again' }),
            { status: 400, message: MSG.createFailed });
        assertFieldCodes(err, { id: 'validation_not_unique' });
        const err2 = await expectError(guest.collection(mainName).create({ id: 'short' }),
            { status: 400, message: MSG.createFailed });
        assert.deepEqual(err2.response.data, {
            id: {
                code: 'validation_min_text_constraint',
                message: 'Must be at least 15 character(s).',
                params: { min: 15 },
            },
        });
    });

    test('getOne of a missing id gives 404', async () => {
        await expectError(guest.collection(mainName).getOne('aaaaaaaaaaaaaaa'),
            { status: 404, message: MSG[404], data: {} });
    });

    test('fields picks keys of a single record', async () => {
        const rec = await guest.collection(mainName).create({ title: 'pick me', num: 7 }, { fields: 'id,title' });
        assert.deepEqual(Object.keys(rec).sort(), ['id', 'title']);
        const got = await guest.collection(mainName).getOne(rec.id, { fields: 'num,collectionName' });
        assert.deepEqual(got, { num: 7, collectionName: mainName });
        const excerpt = await guest.collection(mainName).getOne(rec.id, { fields: 'title:excerpt(4,true)' });
        assert.deepEqual(excerpt, { title: 'pick...' });
    });
});

describe('validation', () => {
    test('invalid values give per-field error codes', async () => {
        const err = await expectError(guest.collection(mainName).create({
            mail: 'not-an-email',
            link: 'not a url',
            status: 'archived',
            tags: ['a', 'zzz'],
            owner: 'missingmissing1',
            title: 'x'.repeat(51),
        }), { status: 400, message: MSG.createFailed });
        assertFieldCodes(err, {
            mail: 'validation_is_email',
            link: 'validation_invalid_url',
            status: 'validation_invalid_value',
            tags: 'validation_invalid_value',
            owner: 'validation_missing_rel_records',
            title: 'validation_max_text_constraint',
        });
        const d = err.response.data;
        assert.equal(d.mail.message, 'Must be a valid email address.');
        assert.equal(d.link.message, 'Must be a valid url.');
        assert.deepEqual(d.status, {
            code: 'validation_invalid_value', message: 'Invalid value archived.', params: { value: 'archived' },
        });
        assert.equal(d.owner.message, 'Failed to find all relation records with the provided ids.');
        assert.deepEqual(d.title.params, { max: 50 });
    });

    test('required fields give validation_required', async () => {
        const name = uniq('rec_req');
        await su.collections.create({
            name, type: 'base', ...open,
            fields: [
                { name: 'title', type: 'text', required: true },
                { name: 'n', type: 'number', required: true },
                { name: 'ok', type: 'bool', required: true },
                { name: 'optional', type: 'text' },
            ],
        });
        try {
            const err = await expectError(guest.collection(name).create({ optional: 'x' }),
                { status: 400, message: MSG.createFailed });
            assert.deepEqual(err.response.data, {
                title: { code: 'validation_required', message: MSG.cannotBeBlank },
                n: { code: 'validation_required', message: MSG.cannotBeBlank },
                ok: { code: 'validation_required', message: MSG.cannotBeBlank },
            });
            const rec = await guest.collection(name).create({ title: 't', n: 1, ok: true });
            const err2 = await expectError(guest.collection(name).update(rec.id, { title: '' }),
                { status: 400, message: MSG.updateFailed });
            assert.deepEqual(err2.response.data, {
                title: { code: 'validation_required', message: MSG.cannotBeBlank },
            });
        } finally {
            await dropCollections(su, [name]);
        }
    });
});

describe('update and delete', () => {
    test('update changes only the sent fields and bumps updated', async () => {
        const rec = await guest.collection(mainName).create({ title: 'before', num: 1, tags: ['a'] });
        await sleep(5);
        const upd = await guest.collection(mainName).update(rec.id, { title: 'after' });
        assert.equal(guest.lastStatus, 200);
        assert.equal(upd.title, 'after');
        assert.equal(upd.num, 1);
        assert.deepEqual(upd.tags, ['a']);
        assert.equal(upd.created, rec.created);
        assert.match(upd.updated, DATETIME_RE);
        assert.ok(upd.updated > rec.updated, `${upd.updated} > ${rec.updated}`);
        assert.deepEqual(await guest.collection(mainName).getOne(rec.id), upd);
    });

    test('number += / -= and select/relation append, prepend and remove modifiers', async () => {
        const p = await Promise.all(['m1', 'm2', 'm3'].map((t) => su.collection(parentName).create({ title: t })));
        const rec = await guest.collection(mainName).create({ views: 10, tags: ['b'], links: [p[0].id] });

        let upd = await guest.collection(mainName).update(rec.id, { 'views+': 5 });
        assert.equal(upd.views, 15);
        upd = await guest.collection(mainName).update(rec.id, { 'views-': 20 });
        assert.equal(upd.views, -5);

        upd = await guest.collection(mainName).update(rec.id, { 'tags+': 'c' });
        assert.deepEqual(upd.tags, ['b', 'c']);
        upd = await guest.collection(mainName).update(rec.id, { '+tags': 'a' });
        assert.deepEqual(upd.tags, ['a', 'b', 'c']);
        upd = await guest.collection(mainName).update(rec.id, { 'tags+': ['d'], 'tags-': ['a', 'b'] });
        assert.deepEqual(upd.tags, ['c', 'd']);
        upd = await guest.collection(mainName).update(rec.id, { 'tags-': 'c' });
        assert.deepEqual(upd.tags, ['d']);

        upd = await guest.collection(mainName).update(rec.id, { 'links+': [p[1].id, p[2].id] });
        assert.deepEqual(upd.links, [p[0].id, p[1].id, p[2].id]);
        upd = await guest.collection(mainName).update(rec.id, { 'links-': p[1].id });
        assert.deepEqual(upd.links, [p[0].id, p[2].id]);

        const got = await guest.collection(mainName).getOne(rec.id);
        assert.equal(got.views, -5);
        assert.deepEqual(got.tags, ['d']);
        assert.deepEqual(got.links, [p[0].id, p[2].id]);
    });

    test('delete returns 204; the record is gone', async () => {
        const rec = await guest.collection(mainName).create({ title: 'doomed' });
        const ok = await guest.collection(mainName).delete(rec.id);
        assert.equal(ok, true);
        assert.equal(guest.lastStatus, 204);
        await expectError(guest.collection(mainName).getOne(rec.id), { status: 404, message: MSG[404], data: {} });
        await expectError(guest.collection(mainName).delete(rec.id), { status: 404, message: MSG[404], data: {} });
        await expectError(guest.collection(mainName).update(rec.id, { title: 'x' }),
            { status: 404, message: MSG[404], data: {} });
    });
});

describe('expand', () => {
    let p1;
    let p2;
    let hidden;
    let visible;

    before(async () => {
        p1 = await su.collection(parentName).create({ title: 'first', rank: 1 });
        p2 = await su.collection(parentName).create({ title: 'second', rank: 2 });
        hidden = await su.collection(hiddenParentName).create({ title: 'h', secret: true });
        visible = await su.collection(hiddenParentName).create({ title: 'v', secret: false });
    });

    test('single relation expands to a record, multi relation to an array in stored order', async () => {
        const rec = await guest.collection(mainName).create({ title: 'ex', owner: p1.id, links: [p2.id, p1.id] });
        const got = await guest.collection(mainName).getOne(rec.id, { expand: 'owner,links' });
        assert.deepEqual(Object.keys(got.expand).sort(), ['links', 'owner']);
        assert.deepEqual(got.expand.owner, {
            id: p1.id, collectionId: parent.id, collectionName: parentName, title: 'first', rank: 1,
        });
        assert.deepEqual(got.expand.links.map((r) => r.title), ['second', 'first']);
        assert.equal(got.owner, p1.id, 'the relation value itself is unchanged');
        // no expand key unless asked for
        const plain = await guest.collection(mainName).getOne(rec.id);
        assert.equal('expand' in plain, false);
        // expand on list and on create
        const list = await guest.collection(mainName).getList(1, 1, { filter: `id = "${rec.id}"`, expand: 'owner' });
        assert.equal(list.items[0].expand.owner.id, p1.id);
        const created = await guest.collection(mainName).create({ owner: p2.id }, { expand: 'owner' });
        assert.equal(created.expand.owner.title, 'second');
    });

    test('fields can pick inside expand', async () => {
        const rec = await guest.collection(mainName).create({ owner: p1.id });
        const got = await guest.collection(mainName).getOne(rec.id, { expand: 'owner', fields: 'id,expand.owner.title' });
        assert.deepEqual(got, { id: rec.id, expand: { owner: { title: 'first' } } });
    });

    test('relations the requester may not view are silently left out', async () => {
        const a = await guest.collection(mainName).create({ secretRel: hidden.id });
        const got = await guest.collection(mainName).getOne(a.id, { expand: 'secretRel' });
        assert.deepEqual(got.expand, {});
        assert.equal(got.secretRel, hidden.id);
        const b = await guest.collection(mainName).create({ secretRel: visible.id });
        const gotB = await guest.collection(mainName).getOne(b.id, { expand: 'secretRel' });
        assert.equal(gotB.expand.secretRel.title, 'v');
        // superusers see everything
        const asSu = await su.collection(mainName).getOne(a.id, { expand: 'secretRel' });
        assert.equal(asSu.expand.secretRel.title, 'h');
    });
});

describe('cascadeDelete', () => {
    test('deleting a referenced record deletes or detaches the referencing records', async () => {
        const [pa, pb2] = await Promise.all([
            su.collection(parentName).create({ title: 'cascade-a' }),
            su.collection(parentName).create({ title: 'cascade-b' }),
        ]);
        const c1 = await guest.collection(childName).create({ title: 'single', single: pa.id });
        const c2 = await guest.collection(childName).create({ title: 'multi-only', multi: [pa.id] });
        const c3 = await guest.collection(childName).create({ title: 'multi-two', multi: [pa.id, pb2.id] });
        const c4 = await guest.collection(childName).create({ title: 'plain', plain: pa.id });
        const c5 = await guest.collection(childName).create({ title: 'other', single: pb2.id });

        await su.collection(parentName).delete(pa.id);

        await expectError(guest.collection(childName).getOne(c1.id), { status: 404 });
        await expectError(guest.collection(childName).getOne(c2.id), { status: 404 });
        const r3 = await guest.collection(childName).getOne(c3.id);
        assert.deepEqual(r3.multi, [pb2.id]);
        const r4 = await guest.collection(childName).getOne(c4.id);
        assert.equal(r4.plain, '');
        const r5 = await guest.collection(childName).getOne(c5.id);
        assert.equal(r5.single, pb2.id);
    });
});

describe('unknown collection', () => {
    test('every records endpoint answers 404', async () => {
        const pb = client();
        const name = uniq('nope');
        const missing = { status: 404, message: MSG.missingCollection, data: {} };
        const invalid = { status: 404, message: 'Missing or invalid collection context.', data: {} };
        await expectError(pb.collection(name).getList(), missing);
        await expectError(pb.collection(name).getOne('aaaaaaaaaaaaaaa'), missing);
        await expectError(pb.collection(name).delete('aaaaaaaaaaaaaaa'), missing);
        await expectError(pb.collection(name).create({}), invalid);
        await expectError(pb.collection(name).update('aaaaaaaaaaaaaaa', {}), invalid);
    });
});
