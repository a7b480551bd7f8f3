// Not marked `server-only`: server.ts installs the guard and answers /readyz itself, before Next's request handling.
import type { Readiness, ReadinessCheck } from '../../db/readiness';

/*
 * Spec §23: "The server runs with a guard that fails loudly if Object.prototype is ever changed (and /readyz
 * turns 503 if it is)". Two parts, because neither covers everything alone:
 *
 * - Sealing: once the app is loaded, the shared prototypes are made non-extensible. Prototype pollution adds
 *   a property (`({}).__proto__.label = v`), and adding one now throws a TypeError in the request that tried
 *   (modules are strict code), so the request fails and every other one goes on as before. They are not
 *   frozen: freezing makes inherited properties read-only, and an ordinary `obj.toString = f` or
 *   `Sub.prototype.constructor = Sub` would then throw (the "override mistake") inside libraries.
 * - A canary: a snapshot of every own property of those prototypes (the value, getter and setter by
 *   identity, and the flags), compared at every /readyz and every few seconds. Replacing an existing property
 *   (which sealing allows) is seen there: /readyz answers 503 "prototype_changed" and the change is logged at
 *   error level, naming the property.
 */

/** The prototypes that input-derived keys can reach: `x["__proto__"]` of an object, array, function or primitive. */
const GUARDED: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
];

type Snapshot = Map<string, Map<PropertyKey, PropertyDescriptor>>;

function describe(): Snapshot {
  const out: Snapshot = new Map();
  for (const [name, proto] of GUARDED) {
    const props = new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(proto)) props.set(key, Object.getOwnPropertyDescriptor(proto, key)!);
    out.set(name, props);
  }
  return out;
}

const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
  a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

/** Properties of `now` added, removed or changed against `before` ("Object.prototype.label"). */
function differences(before: Snapshot, now: Snapshot): string[] {
  const changed: string[] = [];
  for (const [name, props] of now) {
    const old = before.get(name)!;
    for (const [key, descriptor] of props) {
      const was = old.get(key);
      if (was === undefined || !same(was, descriptor)) changed.push(`${name}.${String(key)}`);
    }
    for (const key of old.keys()) if (!props.has(key)) changed.push(`${name}.${String(key)}`);
  }
  return changed;
}

export interface PrototypeGuard {
  /** The guarded properties changed since the guard was installed (empty while intact). */
  changes(): string[];
  /** Whether the prototypes were sealed (production). */
  readonly sealed: boolean;
}

/**
 * Takes the snapshot and, with `seal`, makes the prototypes non-extensible. Call once the app is loaded: a
 * library that adds to a prototype while loading would otherwise throw.
 */
export function installPrototypeGuard(options: { seal: boolean }): PrototypeGuard {
  if (options.seal) for (const [, proto] of GUARDED) Object.preventExtensions(proto);
  const snapshot = describe();
  return { changes: () => differences(snapshot, describe()), sealed: options.seal };
}

/**
 * A readiness check that also answers "prototype_changed" once a guarded prototype differs from the snapshot;
 * `report` is told each new set of changes (server.ts logs it at error level).
 */
export function guardedReadiness(inner: ReadinessCheck, guard: PrototypeGuard, report: (changes: string[]) => void): ReadinessCheck & { verify(): boolean } {
  let reported = '';
  const verify = () => {
    const changes = guard.changes();
    const text = changes.join(',');
    if (text !== '' && text !== reported) report(changes);
    reported = text;
    return changes.length === 0;
  };
  const breached: Readiness = { ready: false, reason: 'prototype_changed' };
  return {
    check() {
      if (!verify()) return breached;
      return inner.check();
    },
    beginShutdown: () => inner.beginShutdown(),
    close: () => inner.close(),
    verify,
  };
}
