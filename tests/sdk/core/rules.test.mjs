// API rules: null (superusers only), "" (anyone) and expression rules with
// @request.auth.* / @request.body.*; the status codes for unmet rules.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    MSG, client, createUsersCollection, dropCollections, expectError, rand, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser();
const guest = client();
const usersName = uniq('rules_users');
const lockedName = uniq('rules_locked');
const publicName = uniq('rules_public');
const postsName = uniq('rules_posts');

let users;
let alice;
let bob;
const PASSWORD = 'Secret-pass-123';

async function login(addr) {
    const pb = client();
    await pb.collection(usersName).authWithPassword(addr, PASSWORD);
    return pb;
}

before(async () => {
    users = await createUsersCollection(su, usersName, {
        fields: [{ name: 'role', type: 'select', values: ['member', 'editor'], maxSelect: 1 }],
    });
    const mk = async (role) => {
        const addr = `r_${rand()}@example.com`;
        const rec = await su.collection(usersName).create({
            email: addr, password: PASSWORD, passwordConfirm: PASSWORD, role,
        });
        return { rec, pb: await login(addr) };
    };
    alice = await mk('editor');
    bob = await mk('member');

    await su.collections.create({
        name: lockedName, type: 'base',
        fields: [{ name: 'title', type: 'text' }],
    });
    await su.collections.create({
        name: publicName, type: 'base',
        listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
        fields: [{ name: 'title', type: 'text' }],
    });
    await su.collections.create({
        name: postsName, type: 'base',
        listRule: 'public = true || owner = @request.auth.id',
        viewRule: 'public = true || owner = @request.auth.id',
        createRule: '@request.auth.id != "" && @request.body.owner = @request.auth.id',
        updateRule: 'owner = @request.auth.id || @request.auth.role = "editor"',
        deleteRule: 'owner = @request.auth.id && public = false',
        fields: [
            { name: 'title', type: 'text' },
            { name: 'public', type: 'bool' },
            { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
        ],
    });
});

after(async () => {
    await dropCollections(su, [postsName, lockedName, publicName, usersName]);
});

describe('null rules: superusers only', () => {
    test('every action is 403 for guests and users, allowed for superusers', async () => {
        const rec = await su.collection(lockedName).create({ title: 'locked' });
        const forbidden = { status: 403, message: MSG.onlySuperusers, data: {} };
        for (const pb of [guest, alice.pb]) {
            await expectError(pb.collection(lockedName).getList(), forbidden);
            await expectError(pb.collection(lockedName).getOne(rec.id), forbidden);
            await expectError(pb.collection(lockedName).create({ title: 'x' }), forbidden);
            await expectError(pb.collection(lockedName).update(rec.id, { title: 'x' }), forbidden);
            await expectError(pb.collection(lockedName).delete(rec.id), forbidden);
        }
        const list = await su.collection(lockedName).getList();
        assert.deepEqual(list.items.map((r) => r.title), ['locked']);
        await su.collection(lockedName).update(rec.id, { title: 'still locked' });
        assert.equal((await su.collection(lockedName).getOne(rec.id)).title, 'still locked');
    });
});

describe('empty rules: anyone', () => {
    test('guests can list, view, create, update and delete', async () => {
        const rec = await guest.collection(publicName).create({ title: 'open' });
        assert.equal((await guest.collection(publicName).getOne(rec.id)).title, 'open');
        const list = await guest.collection(publicName).getList(1, 10, { filter: `id = "${rec.id}"` });
        assert.equal(list.totalItems, 1);
        const upd = await guest.collection(publicName).update(rec.id, { title: 'edited' });
        assert.equal(upd.title, 'edited');
        assert.equal(await guest.collection(publicName).delete(rec.id), true);
        await expectError(guest.collection(publicName).getOne(rec.id), { status: 404 });
    });
});

describe('expression rules', () => {
    let alicePrivate;
    let alicePublic;
    let bobPrivate;

    before(async () => {
        alicePrivate = await alice.pb.collection(postsName).create({ title: 'a-private', owner: alice.rec.id });
        alicePublic = await alice.pb.collection(postsName).create({ title: 'a-public', public: true, owner: alice.rec.id });
        bobPrivate = await bob.pb.collection(postsName).create({ title: 'b-private', owner: bob.rec.id });
    });

    const titles = (items) => items.map((r) => r.title).sort();

    test('list filters rows by the rule', async () => {
        assert.deepEqual(titles(await guest.collection(postsName).getFullList()), ['a-public']);
        assert.deepEqual(titles(await alice.pb.collection(postsName).getFullList()), ['a-private', 'a-public']);
        assert.deepEqual(titles(await bob.pb.collection(postsName).getFullList()), ['a-public', 'b-private']);
        assert.deepEqual(titles(await su.collection(postsName).getFullList()), ['a-private', 'a-public', 'b-private']);
        const page = await guest.collection(postsName).getList(1, 10);
        assert.equal(page.totalItems, 1);
        // the client filter is AND-ed with the rule
        const none = await guest.collection(postsName).getList(1, 10, { filter: 'title = "b-private"' });
        assert.deepEqual(none.items, []);
        assert.equal(none.totalItems, 0);
    });

    test('view of a record outside the rule gives 404', async () => {
        const expected = { status: 404, message: MSG[404], data: {} };
        await expectError(guest.collection(postsName).getOne(alicePrivate.id), expected);
        await expectError(bob.pb.collection(postsName).getOne(alicePrivate.id), expected);
        assert.equal((await guest.collection(postsName).getOne(alicePublic.id)).title, 'a-public');
        assert.equal((await alice.pb.collection(postsName).getOne(alicePrivate.id)).title, 'a-private');
    });

    test('create with an unmet rule gives 400', async () => {
        const expected = { status: 400, message: MSG.createFailed, data: {} };
        await expectError(guest.collection(postsName).create({ title: 'anon', owner: alice.rec.id }), expected);
        // bob may not create posts owned by alice
        await expectError(bob.pb.collection(postsName).create({ title: 'forged', owner: alice.rec.id }), expected);
        const count = await su.collection(postsName).getList(1, 1, { filter: 'title = "anon" || title = "forged"' });
        assert.equal(count.totalItems, 0);
    });

    test('update with an unmet rule gives 404; @request.auth fields of the user are usable', async () => {
        const expected = { status: 404, message: MSG[404], data: {} };
        await expectError(guest.collection(postsName).update(bobPrivate.id, { title: 'hacked' }), expected);
        // bob cannot edit alice's public post even though he can see it
        await expectError(bob.pb.collection(postsName).update(alicePublic.id, { title: 'hacked' }), expected);
        // alice is an editor: she may edit bob's post
        const upd = await alice.pb.collection(postsName).update(bobPrivate.id, { title: 'b-private' });
        assert.equal(upd.title, 'b-private');
        const own = await bob.pb.collection(postsName).update(bobPrivate.id, { title: 'b-private' });
        assert.equal(own.id, bobPrivate.id);
        assert.equal((await su.collection(postsName).getOne(alicePublic.id)).title, 'a-public');
    });

    test('delete with an unmet rule gives 404', async () => {
        const expected = { status: 404, message: MSG[404], data: {} };
        await expectError(guest.collection(postsName).delete(bobPrivate.id), expected);
        await expectError(alice.pb.collection(postsName).delete(bobPrivate.id), expected);
        // public posts may not be deleted, not even by their owner
        await expectError(alice.pb.collection(postsName).delete(alicePublic.id), expected);
        const tmp = await bob.pb.collection(postsName).create({ title: 'b-tmp', owner: bob.rec.id });
        assert.equal(await bob.pb.collection(postsName).delete(tmp.id), true);
        await expectError(su.collection(postsName).getOne(tmp.id), expected);
    });

    test('superusers bypass every rule', async () => {
        const rec = await su.collection(postsName).create({ title: 'by-su' });
        assert.equal(rec.owner, '');
        assert.equal((await su.collection(postsName).getOne(rec.id)).title, 'by-su');
        await su.collection(postsName).update(rec.id, { public: true });
        assert.equal(await su.collection(postsName).delete(rec.id), true);
    });

    test('auth collection rules hide other users', async () => {
        const list = await alice.pb.collection(usersName).getFullList();
        assert.deepEqual(list.map((u) => u.id), [alice.rec.id]);
        await expectError(alice.pb.collection(usersName).getOne(bob.rec.id), { status: 404, message: MSG[404] });
        await expectError(alice.pb.collection(usersName).update(bob.rec.id, { role: 'editor' }),
            { status: 404, message: MSG[404] });
        assert.deepEqual((await guest.collection(usersName).getList()).items, []);
    });
});
