// The zones of `portcullis/layers` (lib/lint/layers.mjs) used by eslint.config.mjs, and tested as they are
// (lib/lint/layers.test.ts).

/*
 * Who may import whom (docs/architecture.md "Layers"): lib/auth holds primitives only; services (every other
 * folder of lib/) sit above them; lib/session/ owns the session, the sign-in flows and the gate above the
 * services; lib/flows/ above that; the channels on top.
 */
const CHANNELS = ['lib/rpc/', 'lib/mail-auth/', 'lib/machine-endpoints/', 'lib/cli/', 'app/', 'proxy', 'server'];
export const LAYERS = [
  {
    from: ['lib/auth/'],
    allow: ['lib/auth/', 'lib/i18n/messages/', 'db/', 'lib/env', 'lib/relying-party-config', 'lib/net/', 'lib/errors', 'lib/log', 'lib/validation', 'lib/ops/metrics'],
    why: 'lib/auth holds primitives (hashing, codes, secrets, TOTP, throttling counters, the verification cache) and imports no service, no audit, no flow and not the session layer',
  },
  { from: ['lib/net/'], allow: ['lib/net/'], why: 'lib/net is network parsing and request facts, partly run in the browser: it imports nothing of the app, db/ least of all' },
  { from: ['lib/env', 'lib/relying-party-config'], allow: ['lib/net/', 'lib/relying-party-config'], why: 'configuration knows no auth and no service' },
  { from: ['lib/cli/'], forbid: ['db/'], why: 'the CLI calls services (lib/ops/database.ts migrates and backs up); which engine runs is decided in db/' },
  { from: ['app/'], forbid: ['db/'], why: 'pages and actions call services, which own the queries and their tenant conditions' },
  {
    // Services: every folder of lib/ below the session layer (new ones included, without listing them here).
    from: ['lib/'],
    except: ['lib/session/', 'lib/flows/', 'lib/rpc/', 'lib/mail-auth/', 'lib/machine-endpoints/', 'lib/cli/', 'lib/ops/', 'lib/testing/', 'lib/lint/'],
    forbid: ['lib/session/', 'lib/flows/', ...CHANNELS],
    typesFrom: ['lib/session/'],
    why: 'services sit below the session layer, the flows and the channels: they take the scope (its type may be imported from lib/session) and never reach up',
  },
  { from: ['lib/session/'], forbid: ['lib/flows/', ...CHANNELS], why: 'the session layer and the gate sit below the flows and the channels that use them' },
  { from: ['lib/flows/'], forbid: CHANNELS, why: 'form flows sit below the channels (pages, RPC, auth_http, CLI) that call them' },
];
