import { describe, expect, it } from 'vitest';
import { MAX_BATCH_CALLS, parseBody, parseCall } from './envelope';

const errorOf = (entry: ReturnType<typeof parseCall>) => (entry.kind === 'invalid' && 'error' in entry.response ? entry.response : null);

describe('parseBody', () => {
  it('answers malformed JSON with -32700 and id null, quoting nothing of the body', () => {
    for (const text of ['{"jsonrpc":"2.0","method":"auth","params":{"user":"a","pass":"s3cret"', 'not json s3cret', '']) {
      const parsed = parseBody(text);
      expect(parsed.kind).toBe('error');
      if (parsed.kind !== 'error' || !('error' in parsed.response)) throw new Error('expected an error response');
      expect(parsed.response).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
      expect(parsed.response.error.message).toMatch(/^Parse error: the request body is not valid JSON/);
      expect(JSON.stringify(parsed.response)).not.toContain('s3cret');
    }
  });

  it('says where the JSON breaks', () => {
    const parsed = parseBody('{"a":1,}');
    expect(parsed.kind === 'error' && 'error' in parsed.response && parsed.response.error.message).toContain('at character 7');
  });

  it('refuses an empty batch and one over the limit with a single -32600', () => {
    const call = { jsonrpc: '2.0', method: 'hello.world', id: 1 };
    expect(parseBody('[]')).toMatchObject({ kind: 'error', response: { error: { code: -32600, message: 'Invalid request: an empty batch' }, id: null } });
    const tooMany = parseBody(JSON.stringify(Array.from({ length: MAX_BATCH_CALLS + 1 }, () => call)));
    expect(tooMany).toMatchObject({ kind: 'error', response: { error: { code: -32600 }, id: null } });
    expect(tooMany.kind === 'error' && 'error' in tooMany.response && tooMany.response.error.message).toContain('at most 1,000 calls (this one has 1,001)');
    const atLimit = parseBody(JSON.stringify(Array.from({ length: MAX_BATCH_CALLS }, () => call)));
    expect(atLimit.kind === 'batch' && atLimit.entries.length).toBe(MAX_BATCH_CALLS);
  });

  it('parses every element of a batch on its own', () => {
    const parsed = parseBody(JSON.stringify([1, { jsonrpc: '2.0', method: 'hello.world', id: 'a' }, { jsonrpc: '2.0', method: 'hello.world' }]));
    if (parsed.kind !== 'batch') throw new Error('expected a batch');
    expect(parsed.entries.map((e) => e.kind)).toEqual(['invalid', 'call', 'call']);
    expect(parsed.entries[1]).toEqual({ kind: 'call', call: { method: 'hello.world', params: undefined, id: 'a', notification: false } });
    expect(parsed.entries[2]).toMatchObject({ kind: 'call', call: { notification: true } });
  });
});

describe('parseCall', () => {
  it('keeps string, number and null ids; a call without an id is a notification', () => {
    for (const id of ['x', 7, 1.5, null]) {
      expect(parseCall({ jsonrpc: '2.0', method: 'm', id })).toEqual({ kind: 'call', call: { method: 'm', params: undefined, id, notification: false } });
    }
    expect(parseCall({ jsonrpc: '2.0', method: 'm', params: { a: 1 } })).toEqual({ kind: 'call', call: { method: 'm', params: { a: 1 }, notification: true } });
  });

  it('answers a wrong version, a missing method or a bad id with -32600, keeping a usable id', () => {
    expect(errorOf(parseCall({ jsonrpc: '1.0', method: 'm', id: 3 }))).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'Invalid request: "jsonrpc" must be exactly "2.0"' } });
    expect(errorOf(parseCall({ method: 'm', id: 4 }))).toMatchObject({ id: 4, error: { code: -32600 } });
    expect(errorOf(parseCall({ jsonrpc: '2.0', id: 5 }))).toMatchObject({ id: 5, error: { code: -32600, message: 'Invalid request: "method" must be a non-empty string' } });
    expect(errorOf(parseCall({ jsonrpc: '2.0', method: 42, id: 6 }))).toMatchObject({ id: 6, error: { code: -32600 } });
    expect(errorOf(parseCall({ jsonrpc: '2.0', method: 'm', id: { nested: true } }))).toMatchObject({ id: null, error: { code: -32600 } });
    // Invalid requests are answered even without an id: only well-formed notifications go unanswered.
    expect(errorOf(parseCall({ jsonrpc: '2.1', method: 'm' }))).toMatchObject({ id: null, error: { code: -32600 } });
    expect(errorOf(parseCall('hello'))).toMatchObject({ id: null, error: { code: -32600, message: 'Invalid request: expected a request object' } });
    expect(errorOf(parseCall([]))).toMatchObject({ id: null, error: { code: -32600 } });
  });
});

describe('prototype keys in a request', () => {
  const only = (text: string) => {
    const parsed = parseBody(text);
    if (parsed.kind !== 'single' || parsed.entry.kind !== 'invalid' || !('error' in parsed.entry.response)) throw new Error(`expected an error entry: ${JSON.stringify(parsed)}`);
    return parsed.entry.response;
  };

  it('refuses __proto__, constructor and prototype in params, nested params and list entries with -32602 naming the key', () => {
    const cases: [string, string][] = [
      ['{"mail":"a@example.com","__proto__":{"label":"x"}}', 'params.__proto__'],
      ['{"mail":"a@example.com","allow_nets_entries":[{"net":"192.0.2.1","__proto__":{"label":"x"}}]}', 'params.allow_nets_entries[0].__proto__'],
      ['{"mail":"a@example.com","allow_nets_entries":[{"net":"192.0.2.1"},{"net":"x","constructor":{"prototype":{"label":"x"}}}]}', 'params.allow_nets_entries[1].constructor'],
      ['{"name":"office","allow_nets":{"prototype":1}}', 'params.allow_nets.prototype'],
    ];
    for (const [params, path] of cases) {
      const response = only(`{"jsonrpc":"2.0","method":"mail.set","params":${params},"id":7}`);
      expect(response).toMatchObject({ id: 7, error: { code: -32602, data: { field: path } } });
      expect(response.error.message).toBe(`Invalid params: the key "${path.slice(path.lastIndexOf('.') + 1)}" (at ${path}) is not accepted`);
    }
    expect(({} as Record<string, unknown>).label).toBeUndefined();
  });

  it('refuses one in the envelope itself with -32600, and each call of a batch on its own', () => {
    expect(only('{"jsonrpc":"2.0","method":"hello.world","id":1,"__proto__":{"method":"x"}}')).toMatchObject({ id: 1, error: { code: -32600, message: 'Invalid request: the key "__proto__" (at __proto__) is not accepted' } });
    const batch = parseBody('[{"jsonrpc":"2.0","method":"hello.world","id":1},{"jsonrpc":"2.0","method":"mail.get","params":{"constructor":1},"id":2}]');
    if (batch.kind !== 'batch') throw new Error('expected a batch');
    expect(batch.entries.map((e) => e.kind)).toEqual(['call', 'invalid']);
  });

  it('finds a key spelled with \\u escapes', () => {
    const response = only('{"jsonrpc":"2.0","method":"mail.set","params":{"mail":"a@example.com","\\u005f\\u005fproto\\u005f\\u005f":{"label":"x"}},"id":3}');
    expect(response).toMatchObject({ id: 3, error: { code: -32602, data: { field: 'params.__proto__' } } });
  });

  it('leaves the same words as values alone', () => {
    const parsed = parseBody('{"jsonrpc":"2.0","method":"mail.set","params":{"mail":"a@example.com","memo":"__proto__ constructor prototype"},"id":1}');
    expect(parsed).toMatchObject({ kind: 'single', entry: { kind: 'call' } });
  });
});
