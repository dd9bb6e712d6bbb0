// Rate limits through the SDK, the same against PocketBase and Roost: a collection rule counted
// per collection, the 429 error, and PocketBase's validation of the rules.
// The rules saved here only name this file's own collections, so other test files running
// against the same server are never limited; the original settings are restored after.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, dropCollections, expectError, superuser, uniq } from '../lib/pb.mjs';

const su = await superuser();
const guest = client();
const name = uniq('limited');
const other = uniq('limited_other');
let original;

before(async () => {
    original = (await su.settings.getAll()).rateLimits;
    for (const n of [name, other]) {
        await su.collections.create({ name: n, type: 'base', listRule: '', fields: [{ name: 't', type: 'text' }] });
    }
});

after(async () => {
    if (original) {
        await su.settings.update({ rateLimits: original });
    }
    await dropCollections(su, [name, other]);
});

describe('rate limits', () => {
    test('a collection rule answers 429 after maxRequests, per collection', async () => {
        await su.settings.update({
            rateLimits: {
                enabled: true,
                rules: [
                    { label: `${name}:list`, audience: '@guest', duration: 60, maxRequests: 2 },
                    { label: `${other}:list`, audience: '', duration: 60, maxRequests: 1 },
                ],
            },
        });
        await guest.collection(name).getList(1, 1);
        await guest.collection(name).getList(1, 1);
        await expectError(guest.collection(name).getList(1, 1), {
            status: 429, message: 'Too Many Requests.', data: {},
        });
        await guest.collection(other).getList(1, 1);
        await expectError(guest.collection(other).getList(1, 1), { status: 429 });
        // superusers are never limited
        for (let i = 0; i < 3; i++) {
            await su.collection(name).getList(1, 1);
        }
    });

    test('invalid rules are refused with PocketBase codes', async () => {
        const err = await expectError(su.settings.update({
            rateLimits: { rules: [{ label: 'not valid!', audience: '@nobody', duration: 0, maxRequests: 1 }] },
        }), { status: 400 });
        assert.deepEqual(err.response.data, {
            rateLimits: {
                rules: {
                    0: {
                        label: { code: 'validation_match_invalid', message: 'Must be in a valid format.' },
                        audience: { code: 'validation_in_invalid', message: 'Must be a valid value.' },
                        duration: { code: 'validation_required', message: 'Cannot be blank.' },
                    },
                },
            },
        });
        assert.equal(err.response.message, 'An error occurred while saving the new settings.');
    });
});
