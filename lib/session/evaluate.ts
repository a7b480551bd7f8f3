import type { AccountScope } from '@/lib/scope';
import { issueAccountScope } from './account-scope';
import type { SessionKind } from './token';

/**
 * The ordered checks of every signed-in request, written once (docs/architecture.md "The gate"). The
 * per-request check (./check.ts) turns the database's current state into facts; `evaluate` turns facts and
 * the request into a verdict; each channel turns a verdict into its own answer with one table:
 * proxy.ts into a redirect, lib/session/dal.ts into a redirect or a return, lib/session/api-session.ts and
 * lib/rpc/context.ts into RPC errors. Nothing here reads the database, so the order is unit-tested.
 */

/**
 * A confinement: a session that has proved who it is but must do one thing before anything else. The
 * list is ordered (the first that applies wins) and data-driven: adding a step is one entry here (its
 * fact, page per session kind and refusal), plus the fact's value in ./check.ts when it is new data, plus
 * its page's text (docs/architecture.md "Adding a step"). Channels without pages answer by `refusal`; their
 * tables are keyed by it, so a new refusal does not compile until every channel has an answer.
 */
export const CONFINEMENTS = [
  {
    // A two-factor sign-in that has passed its password step only. Its page admits nothing else, and it
    // proves nothing yet: no scope is issued to it.
    name: 'second-factor',
    applies: (f: SessionFacts) => f.pendingSecondFactor,
    page: { admin: '/admin/login/verify', mailbox: '/login/verify' },
    exclusive: true,
    refusal: 'second_factor_pending',
  },
  {
    // A forced password change (mailbox: `require_reset_password`; admin: added with an initial password).
    name: 'password-choice',
    applies: (f: SessionFacts) => f.mustChangePassword,
    page: { admin: '/admin/choose-password', mailbox: '/change-password' },
    exclusive: false,
    refusal: 'password_change_required',
  },
  {
    // The account requires two-factor and this subject has none (spec §14 admins, §20 mailboxes):
    // enrolment only.
    name: 'enrolment',
    applies: (f: SessionFacts) => f.mustEnrol,
    page: { admin: '/admin/two-factor', mailbox: '/account/two-factor' },
    exclusive: false,
    refusal: 'two_factor_required',
  },
] as const satisfies readonly ConfinementStep[];

interface ConfinementStep {
  readonly name: string;
  readonly applies: (facts: SessionFacts) => boolean;
  /** Where the subject resolves it, per session kind (null: the kind has no such step yet). */
  readonly page: Readonly<Record<SessionKind, string | null>>;
  /** The page is open only while the step applies (and grants no scope). */
  readonly exclusive: boolean;
  /** What a channel without pages (API sessions, API `auth`, auth_http) is told; also the audit's reason. */
  readonly refusal: string;
}

export type Confinement = (typeof CONFINEMENTS)[number]['name'];
export type ConfinementRefusal = (typeof CONFINEMENTS)[number]['refusal'];

/** What ./check.ts found for this request's session, in the terms the order needs. */
export interface SessionFacts {
  readonly kind: SessionKind;
  readonly accountId: number;
  /** Why the session no longer admits anything (row gone or expired, subject inactive, version, network), or null. */
  readonly ended: string | null;
  readonly pendingSecondFactor: boolean;
  readonly mustChangePassword: boolean;
  readonly mustEnrol: boolean;
  /** Monitor mode: the list would have refused this address (audited, let through). */
  readonly monitored: boolean;
}

export interface GateRequest {
  /**
   * The confinement whose page this request is for, or 'sign-out' (open to every non-exclusive step), or
   * null for everything else.
   */
  readonly at: Confinement | 'sign-out' | null;
  /** Steps this channel does not enforce (see lib/session/api-session.ts); none by default. */
  readonly waived?: readonly Confinement[];
}

export type Verdict =
  /** No session at all (no cookie, or one that does not decode). */
  | { readonly kind: 'signed-out' }
  /** A session that existed and no longer passes; `reason` is for the audit log. */
  | { readonly kind: 'ended'; readonly reason: string }
  /** Must resolve `step` first: sent to its page, or refused where there is no page. */
  | { readonly kind: 'confined'; readonly step: Confinement; readonly monitored: boolean }
  /** On the exclusive page of a step that applies: that page and nothing else, no scope. */
  | { readonly kind: 'at-step'; readonly step: Confinement; readonly monitored: boolean }
  /** On the exclusive page of a step that does not apply (e.g. the verify page after verifying). */
  | { readonly kind: 'step-done'; readonly step: Confinement }
  /**
   * Admitted, with the account scope that the services take as proof. `within`: admitted to the page of a
   * step that still applies (it admits nothing else). `monitored`: allowed in monitor mode (audit it).
   */
  | { readonly kind: 'allowed'; readonly scope: AccountScope; readonly within: Confinement | null; readonly monitored: boolean };

export type VerdictKind = Verdict['kind'];

/** The step list as a map, for the channels' page lookups. */
export function confinementStep(name: Confinement): (typeof CONFINEMENTS)[number] {
  return CONFINEMENTS.find((s) => s.name === name)!;
}

/** Whether `path` is `page` or below it. */
function under(path: string, page: string): boolean {
  return path === page || path.startsWith(`${page}/`);
}

/** The confinement whose page `path` is, for a session of `kind` (the proxy's request). */
export function confinementAt(kind: SessionKind, path: string): Confinement | null {
  for (const step of CONFINEMENTS) {
    const page = step.page[kind];
    if (page !== null && under(path, page)) return step.name;
  }
  return null;
}

/** The page where a session of `kind` resolves `step`. */
export function confinementPage(kind: SessionKind, step: Confinement): string | null {
  return confinementStep(step).page[kind];
}

/**
 * The order: no session; ended; the first confinement that applies (its own page admitted, every other
 * request sent to it); a request for an exclusive page whose step is done; allowed (monitored or not).
 */
export function evaluate(facts: SessionFacts | null, request: GateRequest): Verdict {
  if (!facts) return { kind: 'signed-out' };
  if (facts.ended !== null) return { kind: 'ended', reason: facts.ended };
  const { monitored } = facts;
  for (const step of CONFINEMENTS) {
    if (!step.applies(facts) || request.waived?.includes(step.name)) continue;
    const here = request.at === step.name || (request.at === 'sign-out' && !step.exclusive);
    if (!here) return { kind: 'confined', step: step.name, monitored };
    if (step.exclusive) return { kind: 'at-step', step: step.name, monitored };
    return { kind: 'allowed', scope: issueAccountScope(facts.accountId), within: step.name, monitored };
  }
  if (request.at !== null && request.at !== 'sign-out' && confinementStep(request.at).exclusive) return { kind: 'step-done', step: request.at };
  return { kind: 'allowed', scope: issueAccountScope(facts.accountId), within: null, monitored };
}

/**
 * Where a subject goes right after signing in: the page of its first confinement, or `destination`. The
 * sign-in actions use this instead of repeating the order.
 */
export function landingPage(kind: SessionKind, subject: { mustChangePassword: boolean; mustEnrol: boolean }, destination: string): string {
  const facts: SessionFacts = { kind, accountId: 0, ended: null, pendingSecondFactor: false, monitored: false, ...subject };
  const verdict = evaluate(facts, { at: null });
  return (verdict.kind === 'confined' && confinementPage(kind, verdict.step)) || destination;
}
