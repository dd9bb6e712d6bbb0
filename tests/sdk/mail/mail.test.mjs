// Email flows and one-time passwords through the SDK, with a real SMTP server (aiosmtpd started
// by run.py, writing to PB_MAILDIR). Same statuses, shapes and mail texts on both servers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { superuser, client as newClient, uniq, expectError } from '../lib/pb.mjs';

const SMTP_PORT = Number(process.env.PB_SMTP_PORT);
const MAILDIR = process.env.PB_MAILDIR;

function decodeQP(text) {
    return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

// the decoded text/plain part of a raw message (multipart or not)
function plainText(raw) {
    const parts = raw.split(/\r?\n--[^\r\n]+/);
    for (const part of parts) {
        const at = part.search(/\r?\n\r?\n/);
        if (at < 0) continue;
        const head = part.slice(0, at);
        if (!/Content-Type: text\/plain/i.test(head)) continue;
        let body = part.slice(at).replace(/^\r?\n\r?\n/, '');
        if (/Content-Transfer-Encoding: base64/i.test(head)) body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
        else if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) body = decodeQP(body);
        return body.replace(/\r\n/g, '\n').trim();
    }
    return '';
}

// every delivered message to `to`, oldest first: {subject, text}
function mailsTo(to) {
    let names = [];
    try { names = readdirSync(MAILDIR).sort(); } catch { return []; }
    const out = [];
    for (const name of names) {
        const raw = readFileSync(join(MAILDIR, name), 'utf8');
        const toLine = (raw.match(/^To: (.*)$/mi) || [])[1] || '';
        if (!toLine.includes(to)) continue;
        const subject = ((raw.match(/^Subject: (.*)$/m) || [])[1] || '').trim();
        out.push({ subject, text: plainText(raw) });
    }
    return out;
}

async function waitMail(to, count = 1) {
    for (let i = 0; i < 200; i++) {
        const found = mailsTo(to);
        if (found.length >= count) return found;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no mail to ${to}`);
}

function token(mail, page) {
    const m = mail.text.match(new RegExp(`/_/#/auth/${page}/([A-Za-z0-9_.-]+)`));
    assert.ok(m, mail.text);
    return m[1];
}

let su;
let oldSettings;
const coll = uniq('mailers');

before(async () => {
    su = await superuser();
    oldSettings = await su.settings.getAll();
    await su.settings.update({
        smtp: { enabled: true, host: '127.0.0.1', port: SMTP_PORT, username: '', password: '' },
        meta: { appName: 'Acme', appURL: 'http://app.test' },
    });
    await su.collections.create({
        name: coll,
        type: 'auth',
        createRule: '',
        viewRule: 'id = @request.auth.id',
        otp: { enabled: true, length: 6, duration: 300 },
    });
});

after(async () => {
    await su.collections.delete(coll);
    await su.settings.update({ smtp: oldSettings.smtp, meta: { appName: oldSettings.meta.appName, appURL: oldSettings.meta.appURL } });
});

async function newUser(email) {
    const pb = newClient();
    await pb.collection(coll).create({ email, password: 'password123', passwordConfirm: 'password123' });
    return pb;
}

test('settings: smtp saved, password write-only; test email', async () => {
    const s = await su.settings.getAll();
    assert.equal(s.smtp.enabled, true);
    assert.equal(s.smtp.port, SMTP_PORT);
    assert.equal('password' in s.smtp, false);
    const to = `${uniq('test')}@example.com`;
    assert.equal(await su.settings.testEmail(coll, to, 'otp'), true);
    const [mail] = await waitMail(to);
    assert.equal(mail.subject, 'OTP for Acme');
    assert.equal(mail.text, "Hello, \nYour one-time password is: 123456 \nIf you didn't ask for the one-time password, you can ignore this email. \nThanks,\nAcme team");
    await expectError(su.settings.testEmail(coll, 'bad', 'nope'), { status: 400 });
});

test('verification', async () => {
    const email = `${uniq('v')}@example.com`;
    const pb = await newUser(email);
    assert.equal(await pb.collection(coll).requestVerification(email), true);
    assert.equal(await pb.collection(coll).requestVerification(`${uniq('nobody')}@example.com`), true);
    const [mail] = await waitMail(email);
    assert.equal(mail.subject, 'Verify your Acme email');
    const t = token(mail, 'confirm-verification');
    assert.ok(mail.text.startsWith('Hello, \nThank you for joining us at Acme. \nClick on the button below to verify your email address. \n[Verify](http://app.test/_/#/auth/confirm-verification/'));
    assert.equal(await pb.collection(coll).confirmVerification(t), true);
    const auth = await pb.collection(coll).authWithPassword(email, 'password123');
    assert.equal(auth.record.verified, true);
    await expectError(pb.collection(coll).confirmVerification('abc'), { status: 400 });
});

test('password reset ends earlier sessions', async () => {
    const email = `${uniq('r')}@example.com`;
    const pb = await newUser(email);
    await pb.collection(coll).authWithPassword(email, 'password123');
    assert.equal(await pb.collection(coll).requestPasswordReset(email), true);
    const [mail] = await waitMail(email);
    assert.equal(mail.subject, 'Reset your Acme password');
    const t = token(mail, 'confirm-password-reset');
    const err = await expectError(pb.collection(coll).confirmPasswordReset(t, 'short', 'other'), { status: 400 });
    assert.deepEqual(Object.keys(err.response.data).sort(), ['password', 'passwordConfirm']);
    assert.equal(await pb.collection(coll).confirmPasswordReset(t, 'newpassword1', 'newpassword1'), true);
    await expectError(pb.collection(coll).authRefresh(), { status: 401 });
    const auth = await newClient().collection(coll).authWithPassword(email, 'newpassword1');
    assert.equal(auth.record.verified, true);
});

test('email change', async () => {
    const email = `${uniq('e')}@example.com`;
    const newEmail = `${uniq('e2')}@example.com`;
    const pb = await newUser(email);
    await pb.collection(coll).authWithPassword(email, 'password123');
    assert.equal(await pb.collection(coll).requestEmailChange(newEmail), true);
    const [mail] = await waitMail(newEmail);
    assert.equal(mail.subject, 'Confirm your Acme new email address');
    const t = token(mail, 'confirm-email-change');
    const err = await expectError(pb.collection(coll).confirmEmailChange(t, 'wrong'), { status: 400 });
    assert.equal(err.response.data.password.code, 'validation_invalid_password');
    assert.equal(await pb.collection(coll).confirmEmailChange(t, 'password123'), true);
    const auth = await newClient().collection(coll).authWithPassword(newEmail, 'password123');
    assert.equal(auth.record.email, newEmail);
});

test('one-time password', async () => {
    const email = `${uniq('o')}@example.com`;
    const pb = await newUser(email);
    const methods = await pb.collection(coll).listAuthMethods();
    assert.deepEqual(methods.otp, { enabled: true, duration: 300 });
    const fake = await pb.collection(coll).requestOTP(`${uniq('nobody')}@example.com`);
    assert.match(fake.otpId, /^[a-z0-9]{15}$/);
    const { otpId } = await pb.collection(coll).requestOTP(email);
    const [mail] = await waitMail(email);
    const code = mail.text.match(/one-time password is: (\d+)/)[1];
    assert.equal(code.length, 6);
    const bad = await expectError(pb.collection(coll).authWithOTP(otpId, '000000'), { status: 400 });
    assert.equal(bad.response.message, 'Invalid or expired OTP.');
    const auth = await pb.collection(coll).authWithOTP(otpId, code);
    assert.deepEqual(Object.keys(auth).sort(), ['record', 'token']);
    assert.equal(auth.record.verified, true);
    await expectError(pb.collection(coll).authWithOTP(otpId, code), { status: 400 });
});
