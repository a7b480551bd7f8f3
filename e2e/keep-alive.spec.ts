import http from 'node:http';
import { expect, test } from './support/fixtures';
import { servers } from '../playwright.config';

/**
 * Attack (spec §12, issue 9 item 4): a body refused early (413) must not leave its keep-alive connection
 * unable to answer the next request. Plain Node http with one kept-alive socket, as a streaming client does.
 */
function send(agent: http.Agent, body: Buffer | string, chunked: boolean): Promise<{ status: number; text: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.240' };
    if (!chunked) headers['content-length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port: servers.proxied.port, path: '/v1/', method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, reused: req.reusedSocket }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    // req.write + req.end without a length: Transfer-Encoding chunked.
    req.write(body);
    req.end();
  });
}

const hello = JSON.stringify({ jsonrpc: '2.0', method: 'hello.world', id: 1 });
const oversized = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'hello.world', params: { pad: 'x'.repeat(2_200_000) }, id: 1 }));

for (const chunked of [true, false]) {
  test(`after a refused oversized body (${chunked ? 'chunked' : 'declared Content-Length'}) the next request on the connection is answered`, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, oversized, chunked);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.text).error.code).toBe(-32600);
      const next = await send(agent, hello, chunked);
      expect(next.status).toBe(200);
      expect(JSON.parse(next.text).result).toBe('Hello World!');
    } finally {
      agent.destroy();
    }
  });
}
