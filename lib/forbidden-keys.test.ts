import { describe, expect, it } from 'vitest';
import { findForbiddenKey, isForbiddenKey } from './forbidden-keys';

describe('findForbiddenKey', () => {
  it('finds __proto__, constructor and prototype at any depth, in objects and list entries, naming the path', () => {
    expect(findForbiddenKey(JSON.parse('{"a":1,"__proto__":{"label":"x"}}'))).toBe('__proto__');
    expect(findForbiddenKey(JSON.parse('{"params":{"entries":[{"net":"192.0.2.1"},{"net":"x","constructor":{}}]}}'))).toBe('params.entries[1].constructor');
    expect(findForbiddenKey(JSON.parse('[[{"a":{"prototype":1}}]]'))).toBe('[0][0].a.prototype');
    expect(findForbiddenKey(JSON.parse('{"a":{"b":[1,"__proto__",{"c":null}]}}'))).toBeNull();
    expect(findForbiddenKey('__proto__')).toBeNull();
    expect(findForbiddenKey(null)).toBeNull();
  });

  it('walks a deeply nested value without overflowing the call stack', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}`;
    expect(findForbiddenKey(JSON.parse(text))).toMatch(/\[0\]\.__proto__$/);
  });

  it('knows exactly the three names', () => {
    expect(['__proto__', 'constructor', 'prototype'].every(isForbiddenKey)).toBe(true);
    expect(['proto', '__proto', 'Constructor', 'toString', 'label'].some(isForbiddenKey)).toBe(false);
  });
});
