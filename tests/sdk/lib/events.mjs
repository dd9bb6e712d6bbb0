// Collects realtime events delivered to an SDK subscription callback and lets
// a test wait for a specific one.

export class EventLog {
    constructor(label = 'events') {
        this.label = label;
        this.events = [];
        this.waiters = [];
        this.callback = (e) => this.push(e);
    }

    push(e) {
        this.events.push(e);
        for (const w of [...this.waiters]) {
            if (w.predicate(e)) {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                clearTimeout(w.timer);
                w.resolve(e);
            }
        }
    }

    /** Resolves with the first event (already received or future) matching `predicate`. */
    waitFor(predicate, timeoutMs = 5000) {
        const found = this.events.find(predicate);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
            const w = { predicate, resolve };
            w.timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                reject(new Error(`${this.label}: no matching event within ${timeoutMs}ms; got `
                    + JSON.stringify(this.events.map((x) => [x.action, x.record?.id]))));
            }, timeoutMs);
            this.waiters.push(w);
        });
    }

    /** Resolves with the event for (action, record id). */
    waitForRecord(action, id, timeoutMs = 5000) {
        return this.waitFor((e) => e.action === action && e.record?.id === id, timeoutMs);
    }

    /** The (action, id) pairs received so far. */
    summary() {
        return this.events.map((e) => [e.action, e.record?.id]);
    }

    ids() {
        return this.events.map((e) => e.record?.id);
    }
}
