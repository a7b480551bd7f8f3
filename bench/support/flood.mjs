// The attacker of bench/abuse.ts, in its own process so that its event loop does not delay the measuring
// client's: `node bench/support/flood.mjs URL ADDRESS SECONDS` sends about 1,000 JSON-RPC `auth` calls per
// second (100 calls every 100 ms, open loop) as ADDRESS (X-Forwarded-For; the server trusts
// loopback), for SECONDS, and prints `{"sent":N,"skipped":N,"seconds":S,"statuses":{...}}` when done. Bounded by the deadline.
import http from 'node:http';

const [url, address, seconds] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const body = JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { user: 'victim@a.test', pass: 'wrong' }, id: 1 });
const statuses = {};
// node:http with kept-alive connections rather than fetch: several times less client CPU per call, and the
// client shares the machine's two cores with the server.
const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
const target = new URL('/v1/', url);
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': address };
function call() {
  return new Promise((resolve, reject) => {
    const request = http.request(target, { method: 'POST', agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        const json = JSON.parse(text);
        const key = json.error ? `error ${json.error.code}` : 'result';
        statuses[key] = (statuses[key] ?? 0) + 1;
        resolve();
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
// Open loop, as a flood is: a tick's calls go out whether or not the previous ones were answered (at most
// MAX_IN_FLIGHT at once, so a stalled server is not buried). `sent` counts answered calls.
const MAX_IN_FLIGHT = 1000;
let sent = 0;
let inFlight = 0;
let skipped = 0;
const calls = [];
const start = performance.now();
const deadline = start + seconds * 1000;
for (let tick = 0; performance.now() < deadline; tick++) {
  for (let i = 0; i < 100; i++) {
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      continue;
    }
    inFlight++;
    calls.push(call().then(() => {
      inFlight--;
      sent++;
    }));
  }
  const wait = start + (tick + 1) * 100 - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await Promise.all(calls);
process.stdout.write(`${JSON.stringify({ sent, skipped, seconds: (performance.now() - start) / 1000, statuses })}\n`);
