// Realtime (SSE) through pb.collection(name).subscribe(): create/update/delete
// events for '*' and single-record topics, API rules deciding who receives
// what, unsubscribe, and the filter/expand/fields subscription options.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    client, createUsersCollection, dropCollections, rand, sleep, superuser, uniq,
} from '../lib/pb.mjs';
import { EventLog } from '../lib/events.mjs';

// Time allowed for a wrongly delivered event to show up after a later event
// (the sentinel) has already arrived.
const SETTLE_MS = 250;

const su = await superuser();
const writer = await superuser();
const usersName = uniq('rt_users');
const parentName = uniq('rt_parent');
const openName = uniq('rt_open');
const privName = uniq('rt_priv');
const lockedName = uniq('rt_locked');
const otherName = uniq('rt_other');
const PASSWORD = 'Secret-pass-123';

const clients = [];
function track(pb) {
    clients.push(pb);
    return pb;
}

let users;
let parent;

before(async () => {
    users = await createUsersCollection(su, usersName);
    parent = await su.collections.create({
        name: parentName, type: 'base', listRule: '', viewRule: '',
        fields: [{ name: 'title', type: 'text' }],
    });
    const all = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
    await su.collections.create({
        name: openName, type: 'base', ...all,
        fields: [
            { name: 'title', type: 'text' },
            { name: 'num', type: 'number' },
            { name: 'owner', type: 'relation', collectionId: parent.id, maxSelect: 1 },
        ],
    });
    await su.collections.create({
        name: otherName, type: 'base', ...all,
        fields: [{ name: 'title', type: 'text' }],
    });
    await su.collections.create({
        name: privName, type: 'base',
        listRule: 'public = true || owner = @request.auth.id',
        viewRule: 'public = true || owner = @request.auth.id',
        fields: [
            { name: 'title', type: 'text' },
            { name: 'public', type: 'bool' },
            { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
        ],
    });
    await su.collections.create({
        name: lockedName, type: 'base',
        fields: [{ name: 'title', type: 'text' }],
    });
});

after(async () => {
    for (const pb of clients) {
        try {
            await pb.realtime.unsubscribe();
        } catch {
            // the connection may already be gone
        }
    }
    await dropCollections(su, [privName, lockedName, openName, otherName, parentName, usersName]);
});

async function userClient() {
    const addr = `rt_${rand()}@example.com`;
    const user = await su.collection(usersName).create({ email: addr, password: PASSWORD, passwordConfirm: PASSWORD });
    const pb = track(client());
    await pb.collection(usersName).authWithPassword(addr, PASSWORD);
    return { pb, user };
}

describe('record events', () => {
    test("subscribe('*') receives create, update and delete with {action, record}", async () => {
        const pb = track(client());
        const log = new EventLog('guest *');
        const unsubscribe = await pb.collection(openName).subscribe('*', log.callback);
        assert.equal(typeof unsubscribe, 'function');
        assert.equal(pb.realtime.isConnected, true);
        assert.match(pb.realtime.clientId, /^\w+$/);

        const created = await writer.collection(openName).create({ title: 'rt-1', num: 1 });
        const e1 = await log.waitForRecord('create', created.id);
        assert.deepEqual(Object.keys(e1).sort(), ['action', 'record']);
        assert.deepEqual(e1, { action: 'create', record: created });

        const updated = await writer.collection(openName).update(created.id, { title: 'rt-1b', 'num+': 1 });
        const e2 = await log.waitForRecord('update', created.id);
        assert.deepEqual(e2, { action: 'update', record: updated });
        assert.equal(e2.record.num, 2);

        await writer.collection(openName).delete(created.id);
        const e3 = await log.waitForRecord('delete', created.id);
        assert.deepEqual(e3, { action: 'delete', record: updated });

        assert.deepEqual(log.summary(), [['create', created.id], ['update', created.id], ['delete', created.id]]);
        await unsubscribe();
    });

    test('subscribe(recordId) receives only that record', async () => {
        const a = await writer.collection(openName).create({ title: 'watched' });
        const b = await writer.collection(openName).create({ title: 'ignored' });
        const pb = track(client());
        const log = new EventLog('guest id');
        await pb.collection(openName).subscribe(a.id, log.callback);

        await writer.collection(openName).update(b.id, { title: 'ignored-2' });
        const upd = await writer.collection(openName).update(a.id, { title: 'watched-2' });
        const e = await log.waitForRecord('update', a.id);
        assert.deepEqual(e.record, upd);
        await writer.collection(openName).delete(b.id);
        await writer.collection(openName).delete(a.id);
        await log.waitForRecord('delete', a.id);
        await sleep(SETTLE_MS);
        assert.deepEqual(log.summary(), [['update', a.id], ['delete', a.id]]);
    });

    test('events of other collections are not delivered', async () => {
        const pb = track(client());
        const open = new EventLog('open');
        const other = new EventLog('other');
        await pb.collection(openName).subscribe('*', open.callback);
        await pb.collection(otherName).subscribe('*', other.callback);
        const o = await writer.collection(otherName).create({ title: 'other' });
        const r = await writer.collection(openName).create({ title: 'open' });
        await open.waitForRecord('create', r.id);
        await other.waitForRecord('create', o.id);
        await sleep(SETTLE_MS);
        assert.deepEqual(open.ids(), [r.id]);
        assert.deepEqual(other.ids(), [o.id]);
    });
});

describe('rules', () => {
    test('records hidden by the list rule are never delivered to clients that may not see them', async () => {
        const alice = await userClient();
        const bob = await userClient();
        const guest = track(client());
        const superPb = track(await superuser());
        const logs = {
            alice: new EventLog('alice'),
            bob: new EventLog('bob'),
            guest: new EventLog('guest'),
            su: new EventLog('su'),
        };
        await alice.pb.collection(privName).subscribe('*', logs.alice.callback);
        await bob.pb.collection(privName).subscribe('*', logs.bob.callback);
        await guest.collection(privName).subscribe('*', logs.guest.callback);
        await superPb.collection(privName).subscribe('*', logs.su.callback);

        const aPriv = await writer.collection(privName).create({ title: 'alice private', owner: alice.user.id });
        const bPriv = await writer.collection(privName).create({ title: 'bob private', owner: bob.user.id });
        const pub = await writer.collection(privName).create({ title: 'public', public: true, owner: alice.user.id });
        await writer.collection(privName).update(aPriv.id, { title: 'alice private 2' });
        await writer.collection(privName).delete(bPriv.id);
        // sentinel: visible to everybody and sent last
        await writer.collection(privName).update(pub.id, { title: 'public 2' });
        await Promise.all(Object.values(logs).map((l) => l.waitForRecord('update', pub.id)));
        await sleep(SETTLE_MS);

        assert.deepEqual(logs.alice.summary(), [
            ['create', aPriv.id], ['create', pub.id], ['update', aPriv.id], ['update', pub.id],
        ]);
        assert.deepEqual(logs.bob.summary(), [
            ['create', bPriv.id], ['create', pub.id], ['delete', bPriv.id], ['update', pub.id],
        ]);
        assert.deepEqual(logs.guest.summary(), [['create', pub.id], ['update', pub.id]]);
        assert.deepEqual(logs.su.summary(), [
            ['create', aPriv.id], ['create', bPriv.id], ['create', pub.id],
            ['update', aPriv.id], ['delete', bPriv.id], ['update', pub.id],
        ]);
        // the delivered record is serialized like the REST API response
        const aliceCreate = logs.alice.events[0];
        assert.equal(aliceCreate.record.title, 'alice private');
        assert.equal(aliceCreate.record.owner, alice.user.id);
    });

    test('a single-record subscription obeys the view rule', async () => {
        const alice = await userClient();
        const bob = await userClient();
        const rec = await writer.collection(privName).create({ title: 'secret', owner: alice.user.id });
        const aliceLog = new EventLog('alice');
        const bobLog = new EventLog('bob');
        await alice.pb.collection(privName).subscribe(rec.id, aliceLog.callback);
        await bob.pb.collection(privName).subscribe(rec.id, bobLog.callback);
        // bob's sentinel on an open collection shares his connection
        const bobSentinel = new EventLog('bob sentinel');
        await bob.pb.collection(openName).subscribe('*', bobSentinel.callback);

        await writer.collection(privName).update(rec.id, { title: 'secret 2' });
        const s = await writer.collection(openName).create({ title: 'sentinel' });
        await aliceLog.waitForRecord('update', rec.id);
        await bobSentinel.waitForRecord('create', s.id);
        await sleep(SETTLE_MS);
        assert.deepEqual(bobLog.events, []);
        assert.equal(aliceLog.events[0].record.title, 'secret 2');
    });

    test('a locked (null rule) collection only notifies superusers', async () => {
        const guest = track(client());
        const superPb = track(await superuser());
        const guestLog = new EventLog('guest');
        const guestSentinel = new EventLog('guest sentinel');
        const suLog = new EventLog('su');
        await guest.collection(lockedName).subscribe('*', guestLog.callback);
        await guest.collection(openName).subscribe('*', guestSentinel.callback);
        await superPb.collection(lockedName).subscribe('*', suLog.callback);

        const rec = await writer.collection(lockedName).create({ title: 'locked' });
        const s = await writer.collection(openName).create({ title: 'sentinel' });
        await suLog.waitForRecord('create', rec.id);
        await guestSentinel.waitForRecord('create', s.id);
        await sleep(SETTLE_MS);
        assert.deepEqual(guestLog.events, []);
    });
});

describe('unsubscribe', () => {
    test('the returned function stops events for that subscription only', async () => {
        const pb = track(client());
        const openLog = new EventLog('open');
        const otherLog = new EventLog('other');
        const unsubOpen = await pb.collection(openName).subscribe('*', openLog.callback);
        await pb.collection(otherName).subscribe('*', otherLog.callback);

        const first = await writer.collection(openName).create({ title: 'before unsubscribe' });
        await openLog.waitForRecord('create', first.id);
        await unsubOpen();

        const second = await writer.collection(openName).create({ title: 'after unsubscribe' });
        const sentinel = await writer.collection(otherName).create({ title: 'sentinel' });
        await otherLog.waitForRecord('create', sentinel.id);
        await sleep(SETTLE_MS);
        assert.deepEqual(openLog.ids(), [first.id]);
        assert.equal(openLog.ids().includes(second.id), false);
        assert.equal(pb.realtime.isConnected, true);
    });

    test('unsubscribing by topic, then everything, closes the connection', async () => {
        const pb = track(client());
        const log = new EventLog('open');
        await pb.collection(openName).subscribe('*', log.callback);
        await pb.collection(otherName).subscribe('*', () => {});
        await pb.collection(openName).unsubscribe('*');
        const rec = await writer.collection(openName).create({ title: 'nobody listens' });
        await sleep(SETTLE_MS);
        assert.equal(log.ids().includes(rec.id), false);
        await pb.realtime.unsubscribe();
        assert.equal(pb.realtime.isConnected, false);
    });
});

describe('subscription options', () => {
    test('filter, expand and fields shape the delivered record', async () => {
        const p = await writer.collection(parentName).create({ title: 'the parent' });
        const pb = track(client());
        const log = new EventLog('options');
        await pb.collection(openName).subscribe('*', log.callback, {
            filter: 'num > 5',
            expand: 'owner',
            fields: 'id,num,expand.owner.title',
        });
        const plain = new EventLog('plain');
        await pb.collection(openName).subscribe('*', plain.callback);

        const low = await writer.collection(openName).create({ title: 'low', num: 3, owner: p.id });
        const high = await writer.collection(openName).create({ title: 'high', num: 7, owner: p.id });
        const e = await log.waitForRecord('create', high.id);
        assert.deepEqual(e, {
            action: 'create',
            record: { id: high.id, num: 7, expand: { owner: { title: 'the parent' } } },
        });
        // the option-less subscription on the same connection sees both, unexpanded
        await plain.waitForRecord('create', high.id);
        await sleep(SETTLE_MS);
        assert.deepEqual(log.ids(), [high.id]);
        assert.deepEqual(plain.ids(), [low.id, high.id]);
        assert.deepEqual(plain.events[0].record, low);
        assert.equal('expand' in plain.events[1].record, false);

        // an update moving a record into the filter is delivered
        await writer.collection(openName).update(low.id, { num: 6 });
        const moved = await log.waitForRecord('update', low.id);
        assert.deepEqual(moved.record, { id: low.id, num: 6, expand: { owner: { title: 'the parent' } } });
    });
});
