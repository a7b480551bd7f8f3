/*
 * Renders a deploy/ template for this installation (docs/imap.md):
 *
 *   MAIL_AUTH_SECRET=… npx tsx deploy/render.ts deploy/nginx/mail.conf PORTCULLIS_URL=http://127.0.0.1:3001 … > out
 *
 * Each {{NAME}} comes from a NAME=VALUE argument or else from the environment (keep secrets there: arguments
 * show up in `ps`). A missing or unsafe value is an error naming it; nothing is written then.
 */
import fs from 'node:fs';
import { renderTemplate, templatePlaceholders } from '../lib/config-template';

function fail(message: string, code = 1): never {
  console.error(`render: ${message}`);
  process.exit(code);
}

const [file, ...assignments] = process.argv.slice(2);
if (!file) fail('usage: npx tsx deploy/render.ts TEMPLATE [NAME=VALUE…]', 2);
const template = fs.readFileSync(file, 'utf8');
const values: Record<string, string> = {};
for (const name of templatePlaceholders(template)) {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined) values[name] = fromEnv;
}
for (const assignment of assignments) {
  const eq = assignment.indexOf('=');
  if (eq < 1) fail(`"${assignment}" is not NAME=VALUE`, 2);
  values[assignment.slice(0, eq)] = assignment.slice(eq + 1);
}
try {
  process.stdout.write(renderTemplate(template, values));
} catch (error) {
  fail((error as Error).message);
}
