// Run by tests/e2e/test_backups_serve.py against a `roost serve` of its own: a backup, a change,
// then pb.backups.restore() and the server coming back (restarted) with the backed-up data.
// Prints one JSON line with what it saw.

import PocketBase from 'pocketbase';

const pb = new PocketBase(process.env.PB_URL);
pb.autoCancellation(false);
await pb.collection('_superusers').authWithPassword(process.env.PB_SU_EMAIL, process.env.PB_SU_PASSWORD);

const before = await pb.collection('notes').getFullList({ sort: 'n' });
await pb.backups.create('sdk_restore.zip');
const extra = await pb.collection('notes').create({ n: 12345 });
const restored = await pb.backups.restore('sdk_restore.zip');

// the server answers 204 first, restores, then restarts: wait until it serves again, done
let after = null;
const deadline = Date.now() + 30_000;
while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    try {
        const health = await pb.health.check();
        if (health.data.canBackup === false) continue;
        const list = await pb.collection('notes').getFullList({ sort: 'n' });
        if (!list.some((r) => r.id === extra.id)) {
            after = list;
            break;
        }
    } catch {
        // restarting
    }
}
console.log(JSON.stringify({
    restored,
    before: before.map((r) => r.n),
    after: after && after.map((r) => r.n),
    backups: (await pb.backups.getFullList()).map((b) => b.key),
}));
