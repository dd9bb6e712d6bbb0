// OAuth2 through the SDK with a real OpenID Connect provider: authWithOAuth2Code (the
// "all in one page" flow), the popup flow authWithOAuth2({provider}) over realtime and
// /api/oauth2-redirect, MFA with password + OAuth2, and impersonation.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    PB_URL, client, createUsersCollection, dropCollections, expectError, jwtPayload, superuser, uniq,
} from '../lib/pb.mjs';
import { signIn, startProvider } from '../lib/oidc.mjs';

const CODE_REDIRECT = 'http://127.0.0.1:1/cb';
const POPUP_REDIRECT = `${PB_URL}/api/oauth2-redirect`;
const su = await superuser();
const usersName = uniq('oa_users');
let provider;

before(async () => {
    provider = await startProvider([CODE_REDIRECT, POPUP_REDIRECT]);
    await createUsersCollection(su, usersName, {
        fields: [{ name: 'name', type: 'text' }],
        oauth2: {
            enabled: true,
            providers: [provider.config()],
            mappedFields: { name: 'name' },
        },
    });
});

after(async () => {
    await dropCollections(su, [usersName]);
    provider?.stop();
});

async function codeLogin(pb, login, extra = {}) {
    const methods = await pb.collection(usersName).listAuthMethods();
    const info = methods.oauth2.providers.find((p) => p.name === 'oidc');
    const back = new URL(await signIn(info.authURL + CODE_REDIRECT, login, CODE_REDIRECT));
    assert.equal(back.searchParams.get('state'), info.state);
    return pb.collection(usersName).authWithOAuth2Code(
        'oidc', back.searchParams.get('code'), info.codeVerifier, CODE_REDIRECT, extra.createData,
    );
}

describe('oauth2', () => {
    test('auth methods list the provider', async () => {
        const methods = await client().collection(usersName).listAuthMethods();
        assert.equal(methods.oauth2.enabled, true);
        const [p] = methods.oauth2.providers;
        assert.equal(p.name, 'oidc');
        assert.equal(p.displayName, 'OIDC');
        assert.equal(p.codeChallengeMethod, 'S256');
        assert.ok(p.authURL.startsWith(`${provider.issuer}/auth?client_id=roost-sdk&code_challenge=`));
        assert.ok(p.authURL.endsWith('&redirect_uri='));
    });

    test('authWithOAuth2Code creates, then finds the account', async () => {
        const pb = client();
        const first = await codeLogin(pb, 'sdk-alice', { createData: { emailVisibility: true } });
        assert.equal(first.meta.isNew, true);
        assert.equal(first.record.email, 'sdk-alice@example.com');
        assert.equal(first.record.name, 'User sdk-alice');
        assert.equal(first.record.verified, true);
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.record.id, first.record.id);
        const again = await codeLogin(client(), 'sdk-alice');
        assert.equal(again.meta.isNew, false);
        assert.equal(again.record.id, first.record.id);
        const links = await pb.collection('_externalAuths').getFullList();
        assert.deepEqual(links.map((l) => [l.provider, l.providerId]), [['oidc', 'sdk-alice']]);
    });

    test('authWithOAuth2Code with the id_token checked against the jwksURL', async () => {
        const idToken = { ...provider.config(), userInfoURL: '', extra: { jwksURL: `${provider.issuer}/jwks` } };
        await su.collections.update(usersName, { oauth2: { enabled: true, providers: [idToken] } });
        try {
            const auth = await codeLogin(client(), 'sdk-jwks');
            assert.equal(auth.meta.id, 'sdk-jwks');
            assert.equal(auth.record.email, 'sdk-jwks@example.com');
            // a key set that lacks the token's key: refused
            const wrong = { ...idToken, extra: { jwksURL: `${provider.issuer}/.well-known/openid-configuration` } };
            await su.collections.update(usersName, { oauth2: { enabled: true, providers: [wrong] } });
            await expectError(codeLogin(client(), 'sdk-jwks'), { status: 400, message: 'Failed to fetch OAuth2 user.' });
        } finally {
            await su.collections.update(usersName, { oauth2: { enabled: true, providers: [provider.config()] } });
        }
    });

    test('authWithOAuth2 popup flow over realtime and /api/oauth2-redirect', async () => {
        const pb = client();
        let redirected;
        const result = await pb.collection(usersName).authWithOAuth2({
            provider: 'oidc',
            urlCallback: async (url) => {
                // the "browser": sign in at the provider, then follow its redirect to the server
                const back = await signIn(url, 'sdk-popup', POPUP_REDIRECT);
                const res = await fetch(back, { redirect: 'manual' });
                redirected = [res.status, res.headers.get('location')];
            },
        });
        assert.deepEqual(redirected, [307, '../_/#/auth/oauth2-redirect-success']);
        assert.equal(result.record.email, 'sdk-popup@example.com');
        assert.equal(result.meta.isNew, true);
        assert.equal(pb.authStore.record.id, result.record.id);
    });

    test('oauth2-redirect without a waiting client fails', async () => {
        const res = await fetch(`${POPUP_REDIRECT}?state=nope&code=x`, { redirect: 'manual' });
        assert.equal(res.status, 307);
        assert.equal(res.headers.get('location'), '../_/#/auth/oauth2-redirect-failure');
    });

    test('MFA: password, then OAuth2 with the mfaId', async () => {
        const mfaName = uniq('oa_mfa');
        await createUsersCollection(su, mfaName, {
            oauth2: { enabled: true, providers: [provider.config()] },
            mfa: { enabled: true, duration: 300 },
        });
        try {
            const user = await su.collection(mfaName).create({
                email: 'sdk-mfa@example.com', password: 'Secret-pass-123', passwordConfirm: 'Secret-pass-123', verified: true,
            });
            const pb = client();
            let err;
            try {
                await pb.collection(mfaName).authWithPassword('sdk-mfa@example.com', 'Secret-pass-123');
            } catch (e) {
                err = e;
            }
            assert.equal(err?.status, 401);
            assert.deepEqual(Object.keys(err.response), ['mfaId']);
            const mfaId = err.response.mfaId;
            assert.match(mfaId, /^[a-z0-9]{15}$/);
            const methods = await pb.collection(mfaName).listAuthMethods();
            assert.deepEqual(methods.mfa, { enabled: true, duration: 300 });
            const info = methods.oauth2.providers[0];
            const back = new URL(await signIn(info.authURL + CODE_REDIRECT, 'sdk-mfa', CODE_REDIRECT));
            const auth = await pb.collection(mfaName).authWithOAuth2Code(
                'oidc', back.searchParams.get('code'), info.codeVerifier, CODE_REDIRECT, {}, { mfaId },
            );
            assert.equal(auth.record.id, user.id);
            assert.equal(pb.authStore.isValid, true);
        } finally {
            await dropCollections(su, [mfaName]);
        }
    });

    test('impersonate gives a non-refreshable token', async () => {
        const user = await su.collection(usersName).create({
            email: 'sdk-imp@example.com', password: 'Secret-pass-123', passwordConfirm: 'Secret-pass-123',
        });
        const imp = await su.collection(usersName).impersonate(user.id, 120);
        assert.equal(imp.authStore.record.id, user.id);
        const claims = jwtPayload(imp.authStore.token);
        assert.equal(claims.refreshable, false);
        assert.ok(Math.abs(claims.exp - (Date.now() / 1000 + 120)) < 10);
        const me = await imp.collection(usersName).getOne(user.id);
        assert.equal(me.id, user.id);
        await expectError(client().collection(usersName).impersonate(user.id, 10), { status: 401 });
    });
});
