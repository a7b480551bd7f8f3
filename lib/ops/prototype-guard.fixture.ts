/*
 * Run by prototype-guard.test.ts in a process of its own (`node --import tsx prototype-guard.fixture.ts seal|open`):
 * it changes the prototypes of the process it runs in, which must not be the test runner's. Prints one JSON
 * line with what it saw.
 */
import { guardedReadiness, installPrototypeGuard } from './prototype-guard';

const seal = process.argv[2] === 'seal';
const inner = { check: () => ({ ready: true as const }), beginShutdown() {}, close() {} };
const reports: string[][] = [];
const guard = installPrototypeGuard({ seal });
const readiness = guardedReadiness(inner, guard, (changes) => reports.push(changes));
const out: Record<string, unknown> = { before: readiness.check() };

// What infoFromForm did with `info.label.__proto__` before the fix: a write through the key of a plain object.
const key = '__proto__';
const plain: Record<string, { label?: string }> = {};
try {
  plain[key]!.label = 'pwned';
  out.addError = null;
} catch (error) {
  out.addError = (error as Error).constructor.name;
}
const list: Record<string, Record<string, unknown>> = [] as unknown as Record<string, Record<string, unknown>>;
try {
  list[key]!.evil = 1;
  out.arrayAddError = null;
} catch (error) {
  out.arrayAddError = (error as Error).constructor.name;
}
out.inherited = ({} as { label?: string }).label ?? null;
out.afterAdd = readiness.check();
// Replacing an existing property is allowed by sealing; the canary sees it.
Object.prototype.toLocaleString = () => 'pwned';
out.afterReplace = readiness.check();
out.reports = reports;
// Ordinary code that assigns over an inherited name still works (the reason the prototypes are not frozen).
const own = { toString: () => 'own' } as { toString: () => string };
own.toString = () => 'mine';
out.override = String(own);
process.stdout.write(`${JSON.stringify(out)}\n`);
