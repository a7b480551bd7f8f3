import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTemplate, templatePlaceholders } from './config-template';

describe('renderTemplate', () => {
  const template = 'listen {{PORT}};\nauth_http {{URL}}/x; # {{URL}} again\nheader "{{SECRET}}";\n';

  it('fills every placeholder', () => {
    expect(renderTemplate(template, { PORT: '143', URL: 'http://127.0.0.1:3000', SECRET: 'abc+/=' })).toBe(
      'listen 143;\nauth_http http://127.0.0.1:3000/x; # http://127.0.0.1:3000 again\nheader "abc+/=";\n',
    );
  });

  it('names every missing, empty and unused value', () => {
    expect(() => renderTemplate(template, { PORT: '143', SECRET: '', EXTRA: 'x' })).toThrow(
      'Cannot render the template: URL is missing; SECRET is missing; EXTRA is not used by this template',
    );
  });

  it.each(['a b', 'a"b', "a'b", 'a;b', 'a{b', 'a}b', 'a#b', 'a$b', 'a\\b', 'a\nb'])('refuses %j, which could break out of its directive', (value) => {
    expect(() => renderTemplate(template, { PORT: '143', URL: 'http://x', SECRET: value })).toThrow('SECRET contains whitespace');
  });

  it('lists the placeholders of the shipped templates', () => {
    expect(templatePlaceholders(fs.readFileSync('deploy/nginx/mail.conf', 'utf8'))).toEqual([
      'SERVER_NAME', 'PORTCULLIS_URL', 'MAIL_AUTH_SECRET', 'TLS_CERTIFICATE', 'TLS_CERTIFICATE_KEY', 'IMAP_LISTEN', 'IMAPS_LISTEN',
    ]);
    expect(templatePlaceholders(fs.readFileSync('deploy/dovecot/dovecot.conf', 'utf8'))).toEqual([
      'BASE_DIR', 'STATE_DIR', 'LOG_PATH', 'PROXY_NETWORK', 'LISTEN_ADDRESS', 'LISTEN_PORT', 'MAIL_USER', 'MAIL_GROUP', 'MAIL_HOME',
      'DOVEADM_ADDRESS', 'DOVEADM_PORT', 'DOVEADM_API_KEY',
    ]);
  });
});
