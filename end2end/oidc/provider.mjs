// Test OpenID Provider for calltrail's SSO tests, built on the certified
// `oidc-provider` package. It is deliberately NOT a dev server: no HTML, no
// forms. Login and consent complete on their own from `login_hint`, so a plain
// HTTP client (cookies on, redirects followed) walks from the authorize URL to
// the client's redirect_uri. See README.md for the flags and control API.
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OP_PORT ?? '0' },
    'client-id': { type: 'string', default: process.env.OP_CLIENT_ID },
    'client-secret': { type: 'string', default: process.env.OP_CLIENT_SECRET },
    'redirect-uri': { type: 'string', default: process.env.OP_REDIRECT_URI },
    'keep-alive': { type: 'boolean', default: false }, // ignore stdin closing
  },
});
for (const name of ['client-id', 'client-secret', 'redirect-uri']) {
  if (!args[name]) {
    console.error(`missing --${name}`);
    process.exit(2);
  }
}

/** Test users; any other account id is accepted with no groups. */
const GROUPS = { alice: ['calltrail-admins'], bob: ['support'], carol: [] };

/** What the next ID tokens look like; changed through POST /__control. */
const MODES = ['normal', 'expired', 'other-issuer', 'wrong-nonce', 'bad-signature'];
let mode = 'normal';

// One RS256 key per run. The provider publishes it at /jwks and signs with it;
// the harness keeps the private half to re-sign tampered tokens (see `resign`).
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = {
  ...privateKey.export({ format: 'jwk' }),
  kid: crypto.randomBytes(8).toString('hex'),
  alg: 'RS256',
  use: 'sig',
};

// Not in the JWKS: `bad-signature` signs with it under the real key's kid.
const { privateKey: foreignKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

/**
 * Re-signs an ID token issued by the provider after `mutate` changed its
 * claims. Same header (alg, kid), same key: only the changed claim is wrong,
 * so the relying party must fail on exactly that check.
 */
function resign(jwt, mutate) {
  const [head, body] = jwt.split('.');
  const claims = mutate(JSON.parse(Buffer.from(body, 'base64url')));
  const input = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const key = mode === 'bad-signature' ? foreignKey : privateKey;
  const signature = crypto.sign('sha256', Buffer.from(input), key); // RSASSA-PKCS1-v1_5
  return `${input}.${signature.toString('base64url')}`;
}

function tamper(claims, issuer) {
  switch (mode) {
    // Two hours back: far past openidconnect's exp check plus any leeway.
    case 'expired': return { ...claims, iat: claims.iat - 7200, exp: claims.exp - 7200 };
    case 'other-issuer': return { ...claims, iss: `${issuer}/other-issuer` };
    case 'wrong-nonce': return { ...claims, nonce: 'a-nonce-this-client-never-sent' };
    default: return claims;
  }
}

function makeProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: [args['redirect-uri']],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingJwk] },
    pkce: { required: () => true },
    // Scope -> claims. `groups` is a custom scope carrying a custom claim.
    claims: {
      openid: ['sub'],
      profile: ['preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    // With the default (true), a code flow puts scope claims only in userinfo.
    conformIdTokenClaims: false,
    // Explicit lifetimes (seconds); the defaults print a notice per use.
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        preferred_username: id,
        email: `${id}@example.test`,
        email_verified: true,
        groups: GROUPS[id] ?? [],
      }),
    }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  });
  provider.on('server_error', (_ctx, err) => console.error('server_error', err));

  provider.use(async (ctx, next) => {
    if (ctx.path === '/__control' && ctx.method === 'POST') return control(ctx);
    if (ctx.path.startsWith('/interaction/')) return interact(provider, ctx);
    await next();
    if (mode !== 'normal' && ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: resign(ctx.body.id_token, (c) => tamper(c, issuer)) };
    }
  });
  return provider;
}

/** Login AND consent in one step, for the account named by login_hint. */
async function interact(provider, ctx) {
  const { params } = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = String(params.login_hint ?? '').trim();
  if (!accountId) {
    ctx.status = 400;
    ctx.body = 'this test provider needs login_hint=<account> on the authorization request';
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope));
  const grantId = await grant.save();
  const result = { login: { accountId }, consent: { grantId } };
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  }));
}

/** POST /__control {"mode": "..."} switches how the next ID tokens look. */
async function control(ctx) {
  let body = '';
  for await (const chunk of ctx.req) body += chunk;
  let wanted;
  try {
    wanted = JSON.parse(body || '{}').mode;
  } catch {
    wanted = undefined;
  }
  if (wanted === 'reset') wanted = 'normal';
  if (!MODES.includes(wanted)) {
    ctx.status = 400;
    ctx.body = { error: `mode must be one of ${[...MODES, 'reset'].join(', ')}` };
    return;
  }
  mode = wanted;
  ctx.body = { mode };
}

// The reader of stdout may go away after `ready`; don't die of EPIPE.
process.stdout.on('error', () => {});

// Listen first so that --port 0 works: the issuer needs the real port.
const server = http.createServer();
server.listen(Number(args.port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.on('request', makeProvider(issuer).callback());
  console.log(`ready ${issuer}`);
});

// Nothing to flush: all state is in memory and dies with the process.
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (!args['keep-alive']) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
