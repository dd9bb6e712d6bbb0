// Listing records: getList / getFullList / getFirstListItem, pagination and
// perPage clamping, skipTotal, sort, filter operators and grouping, fields,
// and the 400s for bad list parameters.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    MSG, client, dropCollections, expectError, superuser, uniq,
} from '../lib/pb.mjs';

const su = await superuser();
const guest = client();
const name = uniq('list');
const emptyName = uniq('list_empty');
const bigName = uniq('list_big');

// 12 records: num 1..12, title item-01..item-12, flag on even numbers,
// cat cycles x, y, z, and a json doc.
const ROWS = Array.from({ length: 12 }, (_, i) => {
    const n = i + 1;
    return {
        title: `item-${String(n).padStart(2, '0')}`,
        num: n,
        flag: n % 2 === 0,
        cat: ['x', 'y', 'z'][i % 3],
        doc: { n, even: n % 2 === 0 },
        note: n === 5 ? '' : `note ${n}`,
    };
});

before(async () => {
    const fields = [
        { name: 'title', type: 'text' },
        { name: 'num', type: 'number' },
        { name: 'flag', type: 'bool' },
        { name: 'cat', type: 'select', values: ['x', 'y', 'z'], maxSelect: 1 },
        { name: 'doc', type: 'json' },
        { name: 'note', type: 'text' },
    ];
    await su.collections.create({ name, type: 'base', listRule: '', viewRule: '', fields });
    await su.collections.create({ name: emptyName, type: 'base', listRule: '', fields });
    await su.collections.create({
        name: bigName, type: 'base', listRule: '', fields: [{ name: 'n', type: 'number' }],
    });
    for (const row of ROWS) {
        await su.collection(name).create(row);
    }
});

after(async () => {
    await dropCollections(su, [name, emptyName, bigName]);
});

const nums = (items) => items.map((r) => r.num);

describe('pagination', () => {
    test('getList returns the page envelope', async () => {
        const res = await guest.collection(name).getList(1, 5, { sort: 'num' });
        assert.deepEqual(Object.keys(res).sort(), ['items', 'page', 'perPage', 'totalItems', 'totalPages']);
        assert.equal(res.page, 1);
        assert.equal(res.perPage, 5);
        assert.equal(res.totalItems, 12);
        assert.equal(res.totalPages, 3);
        assert.deepEqual(nums(res.items), [1, 2, 3, 4, 5]);

        const p3 = await guest.collection(name).getList(3, 5, { sort: 'num' });
        assert.equal(p3.page, 3);
        assert.deepEqual(nums(p3.items), [11, 12]);

        const p9 = await guest.collection(name).getList(9, 5, { sort: 'num' });
        assert.equal(p9.page, 9);
        assert.equal(p9.totalItems, 12);
        assert.deepEqual(p9.items, []);
    });

    test('defaults: page 1, perPage 30', async () => {
        const res = await guest.send(`/api/collections/${name}/records`, {});
        assert.equal(res.page, 1);
        assert.equal(res.perPage, 30);
        assert.equal(res.totalItems, 12);
        assert.equal(res.totalPages, 1);
        assert.equal(res.items.length, 12);
    });

    test('out of range page/perPage are clamped and echoed', async () => {
        let res = await guest.collection(name).getList(0, 0);
        assert.equal(res.page, 1);
        assert.equal(res.perPage, 30);
        res = await guest.collection(name).getList(-3, -5);
        assert.equal(res.page, 1);
        assert.equal(res.perPage, 30);
        res = await guest.collection(name).getList(1, 5000);
        assert.equal(res.perPage, 1000);
        assert.equal(res.items.length, 12);
    });

    test('non-integer page or perPage gives 400', async () => {
        const expected = { status: 400, message: MSG.badInput, data: {} };
        await expectError(guest.send(`/api/collections/${name}/records`, { query: { page: 'abc' } }), expected);
        await expectError(guest.send(`/api/collections/${name}/records`, { query: { perPage: '1.5' } }), expected);
    });

    test('skipTotal gives -1 totals', async () => {
        const res = await guest.collection(name).getList(2, 5, { skipTotal: true, sort: 'num' });
        assert.equal(res.totalItems, -1);
        assert.equal(res.totalPages, -1);
        assert.equal(res.page, 2);
        assert.equal(res.perPage, 5);
        assert.deepEqual(nums(res.items), [6, 7, 8, 9, 10]);
    });

    test('an empty collection', async () => {
        const res = await guest.collection(emptyName).getList();
        assert.deepEqual(res, { page: 1, perPage: 30, totalItems: 0, totalPages: 0, items: [] });
    });

    test('getFullList walks all pages', async () => {
        const all = await guest.collection(name).getFullList({ batch: 5, sort: '-num' });
        assert.deepEqual(nums(all), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        const def = await guest.collection(name).getFullList({ sort: 'num' });
        assert.equal(def.length, 12);
    });

    test('getFullList over more than one server page (perPage clamped to 1000)', async () => {
        const total = 1005;
        const chunk = 50;
        for (let i = 0; i < total; i += chunk) {
            await Promise.all(Array.from({ length: Math.min(chunk, total - i) },
                (_, j) => su.collection(bigName).create({ n: i + j })));
        }
        // batch 2000 is clamped to 1000 by the server; the SDK must keep paging
        const all = await guest.collection(bigName).getFullList({ batch: 2000, sort: 'n' });
        assert.equal(all.length, total);
        assert.deepEqual(all.map((r) => r.n), Array.from({ length: total }, (_, i) => i));
    });

    test('getFirstListItem returns the first match or a 404', async () => {
        const rec = await guest.collection(name).getFirstListItem('num >= 7', { sort: 'num' });
        assert.equal(rec.num, 7);
        assert.equal(rec.title, 'item-07');
        const err = await expectError(guest.collection(name).getFirstListItem('num > 100'));
        assert.equal(err.status, 404);
    });
});

describe('sort', () => {
    test('ascending, descending and multiple keys', async () => {
        const desc = await guest.collection(name).getFullList({ sort: '-num' });
        assert.deepEqual(nums(desc), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        const multi = await guest.collection(name).getFullList({ sort: '-flag,+cat,num' });
        assert.deepEqual(nums(multi), [4, 10, 2, 8, 6, 12, 1, 7, 5, 11, 3, 9]);
        const byTitle = await guest.collection(name).getFullList({ sort: '-title' });
        assert.equal(byTitle[0].title, 'item-12');
    });

    test('@random returns every record', async () => {
        const res = await guest.collection(name).getFullList({ sort: '@random' });
        assert.deepEqual(nums(res).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });

    test('unknown sort field gives 400', async () => {
        await expectError(guest.collection(name).getList(1, 5, { sort: 'nope' }),
            { status: 400, message: MSG.badInput, data: {} });
    });
});

describe('filter', () => {
    const cases = [
        ['num > 3 && num <= 7', [4, 5, 6, 7]],
        ['num < 3 || num > 10', [1, 2, 11, 12]],
        ['(num < 3 || num > 10) && flag = true', [2, 12]],
        ['num < 3 || (num > 10 && flag = true)', [1, 2, 12]],
        ['num >= 11', [11, 12]],
        ['num != 5 && num < 7', [1, 2, 3, 4, 6]],
        ["title = 'item-05'", [5]],
        ['title = "item-05"', [5]],
        ['title ~ "item-1"', [10, 11, 12]],
        ['title !~ "0"', [11, 12]],
        ['title ~ "item-0%"', [1, 2, 3, 4, 5, 6, 7, 8, 9]],
        ['cat = "z" && flag = false', [3, 9]],
        ['flag = true && num > 8', [10, 12]],
        ['note = ""', [5]],
        ['note = null', [5]],
        ['note != "" && num < 3', [1, 2]],
        ['doc.n > 10', [11, 12]],
        ['doc.even = true && num < 5', [2, 4]],
        ['num > 100', []],
        ['num > 2 && num < 5 // a trailing comment', [3, 4]],
    ];
    for (const [filter, expected] of cases) {
        test(filter, async () => {
            const res = await guest.collection(name).getList(1, 50, { filter, sort: 'num' });
            assert.deepEqual(nums(res.items), expected);
            assert.equal(res.totalItems, expected.length);
        });
    }

    test('pb.filter() quotes parameters', async () => {
        const filter = guest.filter('title = {:t} || num = {:n}', { t: "item-03", n: 9 });
        const res = await guest.collection(name).getFullList({ filter, sort: 'num' });
        assert.deepEqual(nums(res), [3, 9]);
        const tricky = guest.filter('title = {:t}', { t: 'it"em\'s' });
        const none = await guest.collection(name).getFullList({ filter: tricky });
        assert.deepEqual(none, []);
    });

    test('invalid filters give 400', async () => {
        const expected = { status: 400, message: MSG.badInput, data: {} };
        for (const filter of ['num >', 'nope = 1', '(num > 1', 'num >>> 2', 'title = "unterminated']) {
            await expectError(guest.collection(name).getList(1, 5, { filter }), expected);
        }
    });

    test('guests may not filter by @request.*', async () => {
        await expectError(guest.collection(name).getList(1, 5, { filter: '@request.auth.id = ""' }), {
            status: 403, message: 'Only superusers can filter by @request.', data: {},
        });
        const res = await su.collection(name).getList(1, 5, { filter: '@request.auth.id != ""' });
        assert.equal(res.totalItems, 12);
    });
});

describe('fields', () => {
    test('applies to each item and not to the envelope', async () => {
        const res = await guest.collection(name).getList(1, 2, { sort: 'num', fields: 'id,num' });
        assert.equal(res.totalItems, 12);
        assert.equal(res.perPage, 2);
        assert.equal(res.items.length, 2);
        for (const item of res.items) {
            assert.deepEqual(Object.keys(item).sort(), ['id', 'num']);
        }
        assert.deepEqual(nums(res.items), [1, 2]);
    });

    test('* keeps every field', async () => {
        const res = await guest.collection(name).getList(1, 1, { sort: 'num', fields: '*' });
        assert.deepEqual(Object.keys(res.items[0]).sort(),
            ['cat', 'collectionId', 'collectionName', 'doc', 'flag', 'id', 'note', 'num', 'title']);
    });
});
