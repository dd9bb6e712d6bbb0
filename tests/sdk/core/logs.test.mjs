// The SDK's pb.logs against the server: a failed request shows up as a log (PocketBase writes
// its logs within a few seconds, so the test polls), getOne returns the same item, getStats
// counts it per hour, and only superusers may read them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DATETIME_RE, ID_RE, client, expectError, sleep, superuser, uniq } from '../lib/pb.mjs';

const su = await superuser();
const guest = client();

async function waitForLogs(filter, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const page = await su.logs.getList(1, 10, { filter, sort: '-@rowid' });
        if (page.items.length > 0 || Date.now() > deadline) return page;
        await sleep(250);
    }
}

describe('pb.logs', () => {
    test('a failed request is logged with PocketBase\'s fields; getOne and getStats agree', async () => {
        const marker = uniq('nolog');
        await expectError(guest.send(`/api/${marker}`, { method: 'GET' }), { status: 404 });
        const filter = `data.url ~ "${marker}" && data.status >= 400`;
        const page = await waitForLogs(filter);
        assert.equal(page.items.length, 1, 'the failed request was not logged in time');
        const item = page.items[0];
        assert.match(item.id, ID_RE);
        assert.match(item.created, DATETIME_RE);
        assert.equal(item.level, 8);
        assert.equal(item.message, `GET /api/${marker}`);
        assert.equal(item.data.type, 'request');
        assert.equal(item.data.method, 'GET');
        assert.equal(item.data.status, 404);
        assert.equal(item.data.url, `/api/${marker}`);
        assert.equal(item.data.error, 'File not found.');
        assert.equal(item.data.auth, '');
        assert.equal(typeof item.data.execTime, 'number');

        assert.deepEqual(await su.logs.getOne(item.id), item);

        const stats = await su.logs.getStats({ filter });
        assert.equal(stats.length, 1);
        assert.equal(stats[0].total, 1);
        assert.match(stats[0].date, /^\d{4}-\d{2}-\d{2} \d{2}:00:00\.000Z$/);
    });

    test('only superusers may read the logs', async () => {
        await expectError(guest.logs.getList(1, 1), { status: 401 });
        await expectError(guest.logs.getStats(), { status: 401 });
        await expectError(su.logs.getOne('nosuchlog000000'), { status: 404 });
    });
});
