// The test OpenID Connect provider (tests/oidc/provider.mjs, panva's oidc-provider) in a child
// process, and a browser stand-in that walks its login and consent forms with fetch.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PROVIDER = fileURLToPath(new URL('../../oidc/provider.mjs', import.meta.url));
export const CLIENT_ID = 'roost-sdk';
export const CLIENT_SECRET = 'roost-sdk-secret-value';

/** Starts the provider; resolves to {issuer, stop()} once it listens. */
export async function startProvider(redirectUris) {
    const child = spawn(process.execPath, [PROVIDER], {
        env: {
            ...process.env,
            OIDC_PORT: '0',
            OIDC_CLIENT_ID: CLIENT_ID,
            OIDC_CLIENT_SECRET: CLIENT_SECRET,
            OIDC_REDIRECT_URIS: redirectUris.join(','),
        },
        stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code})`)));
    });
    const { issuer } = JSON.parse(first);
    return {
        issuer,
        config(name = 'oidc') {
            return {
                name,
                clientId: CLIENT_ID,
                clientSecret: CLIENT_SECRET,
                authURL: `${issuer}/auth`,
                tokenURL: `${issuer}/token`,
                userInfoURL: `${issuer}/me`,
            };
        },
        stop() {
            lines.close();
            child.kill('SIGTERM');
        },
    };
}

function formOf(html, base) {
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`no form on the provider page: ${html.slice(0, 200)}`);
    const fields = {};
    for (const input of form[2].matchAll(/<input([^>]*)>/gi)) {
        const name = /name="([^"]*)"/.exec(input[1]);
        const value = /value="([^"]*)"/.exec(input[1]);
        if (name) fields[name[1]] = value ? value[1].replaceAll('&amp;', '&') : '';
    }
    return { action: new URL(form[1].replaceAll('&amp;', '&'), base).href, fields };
}

/**
 * Signs in as `login` at `authUrl` and consents, like a browser; stops at the first redirect
 * to a URL starting with `redirectUri` and returns it (with code and state in its query).
 */
export async function signIn(authUrl, login, redirectUri) {
    const jar = new Map();
    let url = authUrl;
    let init = { method: 'GET' };
    for (let i = 0; i < 20; i++) {
        const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers || {}), cookie } });
        for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(';');
            const eq = pair.indexOf('=');
            jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
        }
        if ([302, 303, 307].includes(res.status)) {
            const location = new URL(res.headers.get('location'), url).href;
            if (location.startsWith(redirectUri)) return location;
            url = location;
            init = { method: 'GET' };
            continue;
        }
        const { action, fields } = formOf(await res.text(), url);
        if ('login' in fields) fields.login = login;
        if ('password' in fields) fields.password = 'any';
        url = action;
        init = {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(fields).toString(),
        };
    }
    throw new Error('the provider never redirected back');
}
