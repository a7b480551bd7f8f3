import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { mailboxes, signInDays, signInSummaries, type Protocol } from '@/db/schema';
import { getDb, groupCommit, transaction } from '@/db';
import { greaterOf } from '@/db/sql';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { registerBackgroundWork } from '@/lib/ops/background';
import { countSignIn } from '@/lib/ops/metrics';

/**
 * Sign-in summaries (spec §19): a successful sign-in is counted per mailbox, protocol, credential and client
 * address, not logged one by one. The first success of a key (and the first after 24 h without an audit row
 * for it) is decided by the database, in the transaction that writes its `login_succeeded` row, so a crash
 * can never lose it and two instances never both log it. Repeats are counted in memory and added to the row
 * (`count = count + n`, `last_seen = max(…)`) at most once a minute and at shutdown: a crash loses at most
 * the counts of the last minute, never an audit row (failures and refusals are audited by the caller, as before).
 */

/** An audit row for a key again after this long without one. */
export const REAUDIT_AFTER_MS = 24 * 60 * 60_000;
/** How often pending counts are written: each row at most once per interval. */
export const FLUSH_INTERVAL_MS = 60_000;
/** A key with nothing pending is forgotten after this long unseen (its next success reads the row again). */
const IDLE_FORGET_MS = 60 * 60_000;

export interface SuccessfulSignIn {
  accountId: number;
  mailboxId: number;
  mailboxEmail: string;
  protocol: Protocol;
  /** 'password' (the mailbox's own password) or 'app:<id>' (an app password). */
  credential: string;
  clientIp: string | null;
  /** Facts for the audit row when one is written (e.g. which app password), never a reason to write one. */
  auditFacts?: Record<string, unknown>;
}

interface Pending {
  accountId: number;
  mailboxId: number;
  protocol: Protocol;
  credential: string;
  clientIp: string;
  /** When the key's last audit row was written, as the database said. */
  auditedAt: number;
  /** Successes not yet added to the row, and the latest of them. */
  count: number;
  lastSeen: number;
}

const utcDayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * One process's (one instance's) summary writer. Its memory is its own: two writers on one database behave
 * like two instances (the tests use that).
 */
export class SignInSummaryWriter {
  // Keyed by the input (mailbox, protocol, credential, address): a Map, never an object.
  private readonly pending = new Map<string, Pending>();
  /** Successes per mailbox and UTC day not yet added to sign_in_days. */
  private readonly days = new Map<string, { accountId: number; mailboxId: number; day: string; count: number }>();
  /** The latest success per mailbox not yet written to mailboxes.last_login_*. */
  private readonly lastLogin = new Map<number, { at: number; ip: string | null }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * Counts a successful sign-in. Returns nothing (no promise) when it was only counted in memory, as on nearly
   * every login; otherwise a promise that resolves once the row and, if due, its audit row are committed:
   * the caller awaits it before answering. `detail` (a pending forced change, monitor mode) is worth a row
   * of its own every time.
   */
  record(ctx: AuditContext, s: SuccessfulSignIn, detail?: Record<string, unknown>, now: number = Date.now()): void | Promise<void> {
    const clientIp = s.clientIp ?? '';
    const key = `${s.mailboxId}\u0000${s.protocol}\u0000${s.credential}\u0000${clientIp}`;
    const known = this.pending.get(key);
    // /metrics counts every success; the log line comes with the audit row.
    if (known !== undefined && detail === undefined && now - known.auditedAt < REAUDIT_AFTER_MS) {
      countSignIn({ subject: 'mailbox', protocol: s.protocol, allowed: true });
      known.count += 1;
      if (now > known.lastSeen) known.lastSeen = now;
      this.countDay(s, 1, now);
      this.schedule();
      return;
    }
    return this.firstOfKey(ctx, s, key, clientIp, detail, now);
  }

  /** The durable path: the row upserted (with this writer's unflushed counts) and the audit row if due, at once. */
  private async firstOfKey(ctx: AuditContext, s: SuccessfulSignIn, key: string, clientIp: string, detail: Record<string, unknown> | undefined, now: number): Promise<void> {
    const known = this.pending.get(key);
    const carried = known?.count ?? 0;
    if (known) known.count = 0;
    let auditedAt = now;
    try {
      await groupCommit(async (tx) => {
        const keyCondition = and(eq(signInSummaries.mailboxId, s.mailboxId), eq(signInSummaries.protocol, s.protocol), eq(signInSummaries.credential, s.credential), eq(signInSummaries.clientIp, clientIp));
        // Each step's answer comes from the row itself (locked by the statement), so of two instances only
        // one ever sees "inserted" or "due": the audit row is written once.
        const inserted = await getDb()
          .insert(signInSummaries)
          .values({ accountId: s.accountId, mailboxId: s.mailboxId, protocol: s.protocol, credential: s.credential, clientIp, firstSeen: new Date(now), lastSeen: new Date(now), count: 1 + carried, auditedAt: new Date(now) })
          .onConflictDoNothing()
          .returning({ id: signInSummaries.id });
        let due = inserted.length > 0;
        if (!due) {
          // Due again after 24 h without an audit row for the key (another instance may have written one).
          const renewed = await getDb()
            .update(signInSummaries)
            .set({ auditedAt: new Date(now) })
            .where(and(keyCondition, detail ? undefined : lte(signInSummaries.auditedAt, new Date(now - REAUDIT_AFTER_MS))))
            .returning({ id: signInSummaries.id });
          due = renewed.length > 0;
          const [row] = await getDb()
            .update(signInSummaries)
            .set({ count: sql`${signInSummaries.count} + ${1 + carried}`, lastSeen: greaterOf(signInSummaries.lastSeen, sql`${now}`) })
            .where(keyCondition)
            .returning({ auditedAt: signInSummaries.auditedAt });
          auditedAt = row ? row.auditedAt.getTime() : now;
        }
        await this.writeDay(s.accountId, s.mailboxId, utcDayOf(now), 1);
        await this.writeLastLogin(s.mailboxId, now, s.clientIp);
        if (due) {
          await recordAudit(tx, ctx, { event: 'login_succeeded', accountId: s.accountId, mailboxId: s.mailboxId, mailboxEmail: s.mailboxEmail, detail: detail || s.auditFacts ? { ...s.auditFacts, ...detail } : undefined });
        } else {
          countSignIn({ subject: 'mailbox', protocol: s.protocol, allowed: true });
        }
      });
    } catch (error) {
      // Not written: the carried counts go back to memory, to be flushed later.
      if (known) known.count += carried;
      throw error;
    }
    const entry = this.pending.get(key);
    if (entry) entry.auditedAt = Math.max(entry.auditedAt, auditedAt);
    else this.pending.set(key, { accountId: s.accountId, mailboxId: s.mailboxId, protocol: s.protocol, credential: s.credential, clientIp, auditedAt, count: 0, lastSeen: now });
  }

  private countDay(s: SuccessfulSignIn, n: number, now: number): void {
    const day = utcDayOf(now);
    const key = `${s.mailboxId}\u0000${day}`;
    const entry = this.days.get(key);
    if (entry) entry.count += n;
    else this.days.set(key, { accountId: s.accountId, mailboxId: s.mailboxId, day, count: n });
    const last = this.lastLogin.get(s.mailboxId);
    if (!last || now >= last.at) this.lastLogin.set(s.mailboxId, { at: now, ip: s.clientIp });
  }

  private async writeDay(accountId: number, mailboxId: number, day: string, count: number): Promise<void> {
    await getDb()
      .insert(signInDays)
      .values({ accountId, mailboxId, day, count })
      .onConflictDoUpdate({ target: [signInDays.mailboxId, signInDays.day], set: { count: sql`${signInDays.count} + excluded.count` } });
  }

  /** mailboxes.last_login_*: only ever moved forward (another instance may have written a later one). */
  private async writeLastLogin(mailboxId: number, at: number, ip: string | null): Promise<void> {
    await getDb()
      .update(mailboxes)
      .set({ lastLoginAt: new Date(at), lastLoginIp: ip })
      .where(and(eq(mailboxes.id, mailboxId), or(isNull(mailboxes.lastLoginAt), lt(mailboxes.lastLoginAt, new Date(at)))));
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Adds every pending count to its row, in one transaction; what fails to be written stays pending. Flushes
   * run one after the other.
   */
  flush(now: number = Date.now()): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow(now), () => this.flushNow(now));
    return this.flushing;
  }

  private async flushNow(now: number): Promise<void> {
    const rows: Pending[] = [];
    for (const [key, entry] of this.pending) {
      if (entry.count > 0) {
        rows.push({ ...entry });
        entry.count = 0;
      } else if (now - entry.lastSeen > IDLE_FORGET_MS) {
        this.pending.delete(key);
      }
    }
    const days = [...this.days.values()];
    this.days.clear();
    const logins = [...this.lastLogin.entries()];
    this.lastLogin.clear();
    if (rows.length === 0 && days.length === 0 && logins.length === 0) return;
    try {
      await transaction(async () => {
        for (const r of rows) {
          await getDb()
            .insert(signInSummaries)
            .values({ accountId: r.accountId, mailboxId: r.mailboxId, protocol: r.protocol, credential: r.credential, clientIp: r.clientIp, firstSeen: new Date(r.lastSeen), lastSeen: new Date(r.lastSeen), count: r.count, auditedAt: new Date(r.auditedAt) })
            .onConflictDoUpdate({
              target: [signInSummaries.mailboxId, signInSummaries.protocol, signInSummaries.credential, signInSummaries.clientIp],
              set: { count: sql`${signInSummaries.count} + excluded.count`, lastSeen: greaterOf(signInSummaries.lastSeen, sql`excluded.last_seen`) },
            });
        }
        for (const d of days) await this.writeDay(d.accountId, d.mailboxId, d.day, d.count);
        for (const [mailboxId, l] of logins) await this.writeLastLogin(mailboxId, l.at, l.ip);
      });
    } catch (error) {
      // Back into memory: the next flush tries again.
      for (const r of rows) {
        const key = `${r.mailboxId}\u0000${r.protocol}\u0000${r.credential}\u0000${r.clientIp}`;
        const entry = this.pending.get(key);
        if (entry) entry.count += r.count;
        else this.pending.set(key, r);
      }
      for (const d of days) {
        const key = `${d.mailboxId}\u0000${d.day}`;
        const entry = this.days.get(key);
        if (entry) entry.count += d.count;
        else this.days.set(key, d);
      }
      for (const [mailboxId, l] of logins) if (!this.lastLogin.has(mailboxId)) this.lastLogin.set(mailboxId, l);
      throw error;
    }
  }

  /** Stops the timer and writes what is pending (SIGTERM's drain). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** How many successes wait in memory (tests, and the figures of docs/performance.md). */
  pendingCount(): number {
    let n = 0;
    for (const entry of this.pending.values()) n += entry.count;
    return n;
  }
}

/** This process's writer: the sign-in path counts into it. */
export const signInSummaryWriter = new SignInSummaryWriter();

// Flushed at shutdown by server.ts's drain (stopBackgroundWork). Each bundle that loads this module has a
// writer of its own, so each registers under a name of its own.
registerBackgroundWork(`sign-in-summaries:${randomUUID()}`, { start: () => undefined, stop: () => signInSummaryWriter.stop() });
