// A real OpenID Connect provider (panva's oidc-provider) for the OAuth2 tests.
//
// Env: OIDC_PORT (0 = any free port), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS
// (comma-separated). Prints one JSON line {"issuer": ...} once it listens.
//
// Accounts: any login name works; "<name>" has the verified email <name>@example.com, a name
// starting with "unverified" gets email_verified=false.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 0);
const clientId = process.env.OIDC_CLIENT_ID || 'roost';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'roost-secret';
const redirectUris = (process.env.OIDC_REDIRECT_URIS || 'http://127.0.0.1/cb').split(',');

function claimsFor(id) {
  return {
    sub: id,
    email: `${id}@example.com`,
    email_verified: !id.startsWith('unverified'),
    name: `User ${id}`,
    preferred_username: id,
    picture: `http://127.0.0.1:${port || 1}/avatar/${id}.png`,
  };
}

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'picture'],
  },
  conformIdTokenClaims: false, // the id_token carries the scope's claims too (no userinfo call needed)
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsFor(id); } };
  },
};

const server = (await import('node:http')).createServer();
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const issuer = `http://127.0.0.1:${actual}`;
  const provider = new Provider(issuer, configuration);
  provider.proxy = true;
  server.on('request', provider.callback());
  process.stdout.write(JSON.stringify({ issuer }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
