/*
 * Browser-safe on purpose (no `server-only`): the admin's mailbox page runs this in the browser on every
 * keystroke, and the server runs the same function for the no-JavaScript "Preview" and for tests, so both
 * always agree. The addresses themselves are loaded on the server (lib/mailboxes/impact.ts).
 */
import { parseAddress, parseAllowNets, type AllowNetsParse, type Allowlist, type EntryError } from '@/lib/net/allowlist';
import { compileList, type EntryMeta, type SetContent } from '@/lib/net/allowlist-entries';

/** What a draft is evaluated with besides its text: the account's sets, the entries' expiry, and the time. */
export interface DraftContext {
  /** The account's network sets by name (a draft may reference them as @name). */
  sets?: Readonly<Record<string, SetContent>>;
  /** Labels and expiry of the draft's entries: an expired entry admits nobody. */
  meta?: EntryMeta | null;
  now?: number;
}

/** How long back the impact preview looks. */
export const IMPACT_WINDOW_DAYS = 30;

/**
 * The sign-ins of one mailbox from one client address within the window. Only attempts with the right
 * password count (they were the mailbox's owner, or someone holding the password): refusing a password
 * guesser is not an "impact".
 */
export interface SignInAddressGroup {
  /** The client address as recorded; null when it was unknown (such sign-ins fail every list). */
  address: string | null;
  attempts: number;
  /** How many of the attempts signed in (the others were refused for network, inactive or pending reset). */
  succeeded: number;
  /** ISO time of the latest attempt (a string, so the group can be passed to the browser as is). */
  lastAt: string;
  /** The latest attempt's outcome: `signed_in` or the refusal reason (`network_not_allowed`, …). */
  lastResult: string;
  protocols: string[];
  /** How many of the sign-ins went through only because the list was in monitor mode (audited would_refuse). */
  wouldRefuse?: number;
}

export type ImpactResult =
  | { ok: false; errors: EntryError[] }
  | {
      ok: true;
      /** The draft's canonical form; null means the draft lifts the restriction (nothing is refused). */
      canonical: string | null;
      /** Addresses (groups) seen in the window. */
      considered: number;
      /** Those the draft would refuse, newest first. */
      refused: SignInAddressGroup[];
    };

/**
 * Whether a parsed draft admits an address, as the gate would decide (sets expanded, expired entries left
 * out). The list is compiled at the first call only, so a page without sign-ins or suggestions never pays
 * for it, and the impact preview and the suggestions share one compilation. False for an invalid draft.
 */
export function draftMatcher(parsed: AllowNetsParse, context: DraftContext = {}): (address: string | null) => boolean {
  if (!parsed.ok) return () => false;
  if (parsed.canonical === null) return () => true;
  const canonical = parsed.canonical;
  let list: Allowlist | null = null;
  return (address) => {
    list ??= compileList({ canonical, meta: context.meta ?? null }, new Map(Object.entries(context.sets ?? {})), context.now ?? Date.now()).allowlist;
    return list.allows(parseAddress(address));
  };
}

/** The impact of a draft already parsed (with the account's set names) and its matcher. */
export function impactOf(parsed: AllowNetsParse, allows: (address: string | null) => boolean, groups: readonly SignInAddressGroup[]): ImpactResult {
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  if (parsed.canonical === null) return { ok: true, canonical: null, considered: groups.length, refused: [] };
  return { ok: true, canonical: parsed.canonical, considered: groups.length, refused: groups.filter((g) => !allows(g.address)) };
}

/** Which of the recent sign-in addresses a draft `allow_nets` would refuse (same parser and matcher as the gate). */
export function evaluateImpact(draft: string | null, groups: readonly SignInAddressGroup[], context: DraftContext = {}): ImpactResult {
  const parsed = parseAllowNets(draft, { references: new Set(Object.keys(context.sets ?? {})) });
  return impactOf(parsed, draftMatcher(parsed, context), groups);
}

/**
 * True when a list would refuse every address the mailbox was used from in the window (and there was at
 * least one).
 */
export function refusesEveryAddress(impact: ImpactResult): boolean {
  return impact.ok && impact.canonical !== null && impact.considered > 0 && impact.refused.length === impact.considered;
}

/**
 * True when saving the draft locks the user out: it refuses every address the mailbox was used from in the
 * window, and the current list admits at least one of them. When the current list already refuses them all,
 * saving changes nothing for the user (adding a network to such a list is no lock-out), so the admin UI
 * asks to confirm only in the first case. `currentAllows` is the stored list's matcher (`draftMatcher`).
 */
export function locksOut(impact: ImpactResult, currentAllows: (address: string | null) => boolean): boolean {
  return refusesEveryAddress(impact) && impact.ok && impact.refused.some((g) => currentAllows(g.address));
}
