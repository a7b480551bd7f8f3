// The zones of `portcullis/layers` (lib/lint/layers.mjs) used by eslint.config.mjs, and tested as they are
// (lib/lint/layers.test.ts).

/*
 * Who may import whom (docs/architecture.md "Layers"). Written for the layers as they are meant to be:
 * lib/session/ owns the session, the sign-in flows and the gate. WITH_GATE lists the files of lib/auth that
 * belong there (issue 19, moved by the session work); until they have moved they are held to the rule of
 * the layer they are going to, not to lib/auth's. Remove the list once lib/auth holds none of them.
 */
export const WITH_GATE = ['dal', 'gate', 'session', 'web-session', 'api-session', 'sign-in', 'passkey-sign-in'].map((f) => `lib/auth/${f}`);
/*
 * Services that call into files of WITH_GATE for what is not the session's to own: ending a subject's
 * sessions, the second factor's checks, an admin's plain list. The session work moves each part to the
 * layer it belongs to (a primitive into lib/auth, a row operation into lib/sessions), then deletes its line
 * here; every other import is held to the rule meanwhile.
 */
export const PENDING_WITH_GATE = [
  'lib/admins/reauth -> lib/auth/passkey-sign-in',
  'lib/admins/reauth -> lib/auth/second-factor',
  'lib/admins/service -> lib/auth/web-session',
  'lib/admins/service -> lib/auth/gate',
  'lib/admins/two-factor -> lib/auth/second-factor',
  'lib/admins/two-factor -> lib/auth/web-session',
  'lib/sessions/service -> lib/auth/web-session',
];
const CHANNELS = ['lib/rpc/', 'lib/mail-auth/', 'lib/cli/', 'app/', 'proxy', 'server'];
export const LAYERS = [
  {
    from: ['lib/auth/'],
    except: WITH_GATE,
    allow: ['lib/auth/', 'db/', 'lib/env', 'lib/relying-party-config', 'lib/net/', 'lib/errors', 'lib/log', 'lib/validation', 'lib/ops/metrics'],
    forbid: WITH_GATE,
    why: 'lib/auth holds primitives (hashing, codes, secrets, TOTP, throttling counters, the verification cache) and imports no service, no audit, no flow and not the session layer',
  },
  { from: ['lib/net/'], allow: ['lib/net/'], why: 'lib/net is network parsing and request facts, partly run in the browser: it imports nothing of the app, db/ least of all' },
  { from: ['lib/env', 'lib/relying-party-config'], allow: ['lib/net/', 'lib/relying-party-config'], why: 'configuration knows no auth and no service' },
  { from: ['lib/cli/'], forbid: ['db/'], why: 'the CLI calls services (lib/ops/database.ts migrates and backs up); which engine runs is decided in db/' },
  { from: ['app/'], forbid: ['db/'], why: 'pages and actions call services, which own the queries and their tenant conditions' },
  {
    // Services: every folder of lib/ below the session layer (new ones included, without listing them here).
    from: ['lib/'],
    except: [...WITH_GATE, 'lib/session/', 'lib/flows/', 'lib/rpc/', 'lib/mail-auth/', 'lib/cli/', 'lib/ops/', 'lib/testing/', 'lib/lint/'],
    forbid: ['lib/session/', ...WITH_GATE, 'lib/flows/', ...CHANNELS],
    typesFrom: ['lib/session/', ...WITH_GATE],
    exempt: PENDING_WITH_GATE,
    why: 'services sit below the session layer, the flows and the channels: they take the scope (its type may be imported from lib/session) and never reach up',
  },
  { from: ['lib/session/', ...WITH_GATE], forbid: ['lib/flows/', ...CHANNELS], why: 'the session layer and the gate sit below the flows and the channels that use them' },
  { from: ['lib/flows/'], forbid: CHANNELS, why: 'form flows sit below the channels (pages, RPC, auth_http, CLI) that call them' },
];
