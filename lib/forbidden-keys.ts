/*
 * Keys that reach a prototype when written through a plain object (`x[key] = v`, `x[key].y = v`), or that
 * read one when looked up (`x["constructor"]` is Object). Input never names them: a field, parameter or
 * header with one of these names is refused where it is parsed, or ignored where it can only be noise.
 * Browser-safe (no server-only import): the admin forms share entry-info.ts with the browser.
 */

/** `__proto__`, `constructor` and `prototype`: never accepted as a key from input (spec §23). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` is one of FORBIDDEN_KEYS. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/**
 * The path of a forbidden key anywhere in a parsed JSON value (`params.entries[2].__proto__`), or
 * null. JSON.parse makes `"__proto__"` an own property, which a later spread, merge or `Object.assign`
 * would turn into a prototype. Walks with its own stack, so a deeply nested body cannot overflow the call
 * stack (the body size bounds the work).
 */
export function findForbiddenKey(value: unknown, root = ''): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
      continue;
    }
    for (const key of Object.keys(node)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (isForbiddenKey(key)) return at;
      stack.push([(node as Record<string, unknown>)[key], at]);
    }
  }
  return null;
}
