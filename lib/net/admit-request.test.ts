import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { compileAllowlist, parseAllowNets, type NetEntry } from './allowlist';
import { admitRequest } from './admit-request';

/** A request as node:http hands it over: lower-cased `headers`, `rawHeaders` as sent. */
function request(peer: string, sent: [string, string][], encrypted = false): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of sent) headers[name.toLowerCase()] = value;
  return { socket: { remoteAddress: peer, encrypted }, headers, rawHeaders: sent.flat() } as unknown as IncomingMessage;
}

const proxies = (text: string) => compileAllowlist((parseAllowNets(text) as { entries: NetEntry[] }).entries);

const CLAIMS: [string, string][] = [
  ['X-Forwarded-For', '203.0.113.9, 198.51.100.7'],
  ['X-Forwarded-Proto', 'https'],
  ['X-Real-IP', '192.0.2.1'],
  ['Forwarded', 'for=192.0.2.2'],
  ['X-Middleware-Subrequest', 'middleware'],
  ['X-Portcullis-Client-Address', 'token 192.0.2.3'],
];

describe('admitRequest: the one entry of both listening processes', () => {
  it('believes the forwarded chain and scheme only from a trusted proxy, then removes every claim from the request', () => {
    const req = request('127.0.0.1', [['Host', 'mail.example.test'], ...CLAIMS, ['Accept', 'text/html']]);
    expect(admitRequest(req, proxies('127.0.0.1'))).toEqual({ address: '198.51.100.7', https: true });
    expect(Object.keys(req.headers).sort()).toEqual(['accept', 'host']);
    expect(req.rawHeaders).toEqual(['Host', 'mail.example.test', 'Accept', 'text/html']);
  });

  it('ignores the same headers from a peer that is not a trusted proxy (and still removes them)', () => {
    const req = request('203.0.113.50', CLAIMS);
    expect(admitRequest(req, proxies('127.0.0.1'))).toEqual({ address: '203.0.113.50', https: false });
    expect(req.headers).toEqual({});
    expect(req.rawHeaders).toEqual([]);
    expect(admitRequest(request('203.0.113.50', CLAIMS), null)).toEqual({ address: '203.0.113.50', https: false });
  });

  it('makes the client unknown when a trusted proxy forwards a malformed chain', () => {
    expect(admitRequest(request('127.0.0.1', [['X-Forwarded-For', 'garbage']]), proxies('127.0.0.1'))).toEqual({ address: null, https: false });
  });

  it('takes HTTPS from a TLS socket', () => {
    expect(admitRequest(request('198.51.100.7', [], true), null)).toEqual({ address: '198.51.100.7', https: true });
  });
});
