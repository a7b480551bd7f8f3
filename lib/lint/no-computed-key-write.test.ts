import path from 'node:path';
import { RuleTester } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, it } from 'vitest';
import plugin from './no-computed-key-write.mjs';

RuleTester.describe = describe;
// The first case starts TypeScript's project service, which takes a while on a loaded machine.
RuleTester.it = (name: string, run: () => void) => it(name, run, 120_000);

const tester = new RuleTester({
  languageOptions: {
    parser: tsParser,
    parserOptions: { projectService: { allowDefaultProject: ['*.ts'] }, tsconfigRootDir: path.join(import.meta.dirname, '..') },
  },
});

const write = [{ messageId: 'write' }];

tester.run('no-computed-key-write', plugin.rules['no-computed-key-write'], {
  valid: [
    // Arrays, typed arrays and number keys: no key from input names a prototype there.
    'const a: string[] = []; const i = 1; a[i] = "x";',
    'const b = new Uint8Array(4); let k = 0; b[k] = 1; b[k]++;',
    'const r: Record<number, string> = {}; const n: number = 3; r[n] = "x";',
    // A closed set of string literals.
    'const o = { label: "", expires: "" }; const f: "label" | "expires" = "label"; o[f] = "x";',
    // Literal keys that are not prototype keys.
    'const o: Record<string, number> = {}; o["count"] = 1;',
    // Maps.
    'const m = new Map<string, string>(); const k = "a"; m.set(k, "x");',
    'const o: Record<string, number> = {}; const k = "a"; console.log(o[k]);',
  ],
  invalid: [
    // Issue 18 finding 1, as it was written.
    { code: 'const out: Record<string, { label: string }> = {}; declare const net: string; out[net] ??= { label: "" }; out[net].label = "v";', errors: [...write, ...write] },
    { code: 'const o: Record<string, number> = {}; declare const k: string; o[k] = 1;', errors: write },
    { code: 'const o: Record<string, number> = {}; declare const k: string; o[k]++;', errors: write },
    { code: 'const o: Record<string, { x: number }> = {}; declare const k: string; o[k].x += 1;', errors: write },
    { code: 'const o: Record<string, unknown> = {}; o["__proto__"] = {};', errors: write },
    { code: 'const o: Record<string, unknown> = {}; declare const k: "label" | "__proto__"; o[k] = 1;', errors: write },
    { code: 'const o: Record<string, number> = {}; declare const k: string; o[`${k}`] = 1;', errors: write },
  ],
});
