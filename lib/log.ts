// Not marked `server-only`: server.ts (outside Next's bundler) logs every request through it, and the
// route bundles log security events through the same logger (one per process, see below).
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import { env } from './env';

/**
 * Keys whose values are never written, wherever they appear in a log object: a safety net under the rule
 * that nothing passes a password, token, cookie or Auth-Pass to the logger in the first place.
 */
export const REDACTED_KEYS = ['password', 'pass', 'newPassword', 'currentPassword', 'token', 'session', 'cookie', 'authorization', 'secret', 'auth-pass', 'hpls-auth', 'x-mail-auth-secret'];

/** What the request being served is, for the security events logged while serving it. */
export interface RequestContext {
  requestId: string;
}

/*
 * server.ts and every Next.js route bundle load their own copy of this module; the logger and the request
 * context must still be one per process (one output stream, and the context set by server.ts must be the one
 * the bundles read), so both live on globalThis. Neither caches data: they only route log lines.
 */
const holder = globalThis as unknown as {
  portcullisLog?: { logger: Logger; destination: ReturnType<typeof pino.destination>; lines: LinesPerTurn; context: AsyncLocalStorage<RequestContext> };
  portcullisLogDefault?: LogLevel;
};

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The level used when LOG_LEVEL is not set (`info` unless a process says otherwise). The CLI's stdout is for
 * the operator and for scripts reading --json: it asks for `warn`, so the JSON line written for each
 * security event stays out of their way (the audit trail has the event). Call before the first log line.
 */
export function setDefaultLogLevel(level: LogLevel): void {
  holder.portcullisLogDefault = level;
  if (holder.portcullisLog) holder.portcullisLog.logger.level = env().LOG_LEVEL ?? level;
}

export interface LinesPerTurn {
  write(line: string): boolean;
  /** Hands the lines gathered so far to the destination now. */
  drain(): void;
}

/**
 * Gathers the lines of one event-loop turn and hands them to `destination` as one write at the end of the
 * turn. sonic-boom measures its pending block (up to 16 KiB) in bytes on every write, which cost more per
 * line than formatting it; one write per turn pays that once for all of the turn's lines. Order is kept; the
 * lines wait at most until the end of the turn (flushLog drains them first).
 */
export function linesPerTurn(destination: { write(text: string): unknown }): LinesPerTurn {
  let pending: string[] = [];
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    destination.write(text);
  };
  return {
    write(line) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
      return true;
    },
    drain,
  };
}

// The wall clock as it was when this module loaded: server.ts loads it before Next.js wraps `Date` to
// watch prerenders for clock reads (two async-context lookups per call, which cost more than the rest of a
// log line's timestamp). A route bundle's copy may see the wrapper: same time, only slower.
const wallClock = Date.now;
let lastMs = -1;
let lastTime = '';

/** pino's ISO timestamp field (what pino.stdTimeFunctions.isoTime writes), formatted once per millisecond. */
export function isoTime(): string {
  const ms = wallClock();
  if (ms !== lastMs) {
    lastMs = ms;
    lastTime = `,"time":"${new Date(ms).toISOString()}"`;
  }
  return lastTime;
}

function state() {
  if (!holder.portcullisLog) {
    // Buffered: one write per event-loop turn into sonic-boom (linesPerTurn), and one write to stdout per
    // 4 KiB instead of one per line (every request logs), flushed at least every second and at shutdown
    // (flushLog), so a crash loses at most the last second.
    const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    const lines = linesPerTurn(destination);
    setInterval(() => {
      lines.drain();
      destination.flush();
    }, 1000).unref();
    const logger = pino(
      {
        level: env().LOG_LEVEL ?? holder.portcullisLogDefault ?? 'info',
        base: { service: 'portcullis', pid: process.pid },
        timestamp: isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // Top-level keys only: the objects logged are flat, and deep wildcards cost more than the rest of a line.
        redact: { paths: REDACTED_KEYS.map((k) => `["${k}"]`), censor: '[redacted]' },
      },
      lines,
    );
    holder.portcullisLog = { logger, destination, lines, context: new AsyncLocalStorage<RequestContext>() };
  }
  return holder.portcullisLog;
}

/** The process's JSON logger (stdout, one object per line, level from LOG_LEVEL). */
export function log(): Logger {
  return state().logger;
}

/** Writes out buffered log lines now (before the process exits). */
export function flushLog(): void {
  try {
    holder.portcullisLog?.lines.drain();
    holder.portcullisLog?.destination.flushSync();
  } catch {
    // Not open yet, or stdout is gone: nothing more can be written anyway.
  }
}

/** Runs `work` with `context` as the current request, so that security events logged meanwhile carry its id. */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return state().context.run(context, work);
}

/** The request being served (undefined outside a request: CLI, startup). */
export function currentRequest(): RequestContext | undefined {
  return state().context.getStore();
}
