import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from './internal-headers';
import { clientAddress, isHttps } from './request-address';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('the client address server.ts passed on', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is read only with this process token: a header sent by the client itself gives no address', () => {
    vi.stubEnv('PORTCULLIS_GATE_TOKEN', 'the-process-token');
    expect(clientAddress(headers({ [CLIENT_ADDRESS_HEADER]: 'the-process-token 198.51.100.7' }))).toBe('198.51.100.7');
    expect(clientAddress(headers({ [CLIENT_ADDRESS_HEADER]: 'guessed-token 198.51.100.7' }))).toBeNull();
    expect(clientAddress(headers({ [CLIENT_ADDRESS_HEADER]: '198.51.100.7' }))).toBeNull();
    expect(clientAddress(headers({ [CLIENT_ADDRESS_HEADER]: 'the-process-token -' }))).toBeNull();
    expect(clientAddress(headers({}))).toBeNull();
  });

  it('without a token (the app served without server.ts) no header is believed, and no request counts as HTTPS', () => {
    vi.stubEnv('PORTCULLIS_GATE_TOKEN', '');
    expect(clientAddress(headers({ [CLIENT_ADDRESS_HEADER]: ' 198.51.100.7' }))).toBeNull();
    expect(isHttps(headers({ [CLIENT_PROTO_HEADER]: 'https' }))).toBe(false);
    vi.stubEnv('PORTCULLIS_GATE_TOKEN', 'the-process-token');
    expect(isHttps(headers({ [CLIENT_PROTO_HEADER]: 'https' }))).toBe(true);
    expect(isHttps(headers({ [CLIENT_PROTO_HEADER]: 'http' }))).toBe(false);
  });
});
