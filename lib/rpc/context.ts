import 'server-only';
import type { AuditContext } from '@/lib/audit';
import { verifyApiSession, type ApiSession } from '@/lib/session/api-session';
import { clientAddress } from '@/lib/net/request-address';
import { INVALID_SESSION_MESSAGE, RpcCode, RpcError } from './errors';

/** The header that carries the session token (mailbox.org's name, kept so existing scripts work). */
export const SESSION_HEADER = 'hpls-auth';

export const PASSWORD_CHANGE_REQUIRED_MESSAGE =
  'Password change required: sign in to webmail and change your password there first, then call auth again.';

type SessionState = { kind: 'valid'; session: ApiSession } | { kind: 'refused'; error: RpcError };

/**
 * What every call of one HTTP request shares: the client address server.ts decided, the user agent and
 * the session named by the HPLS-AUTH header. The session is verified once per request, at the first call
 * that needs it (a batch of 1,000 calls is one request: its session cannot change in between, except
 * through `deauth`, which ends it for the calls after it). Scoping is still checked by every call.
 */
export class RpcContext {
  // The one verification of this request (shared by concurrent calls of a batch), and `deauth`'s ending.
  private checked: Promise<SessionState> | null = null;
  private ended: SessionState | null = null;

  constructor(
    readonly clientIp: string | null,
    readonly userAgent: string | null,
    readonly token: string | null,
  ) {}

  static fromHeaders(headers: { get(name: string): string | null }): RpcContext {
    const token = headers.get(SESSION_HEADER)?.trim() || null;
    return new RpcContext(clientAddress(headers), headers.get('user-agent'), token);
  }

  /** An audit context for this request with the given actor; protocol `api`. */
  audit(actor: AuditContext['actor']): AuditContext & { clientIp: string | null } {
    return { actor, clientIp: this.clientIp, userAgent: this.userAgent, protocol: 'api' };
  }

  /** This request's verified session, or the error every call that needs one gets instead. */
  async session(): Promise<ApiSession> {
    const state = this.ended ?? (await (this.checked ??= this.verify()));
    if (state.kind === 'refused') throw state.error;
    return state.session;
  }

  /** After `deauth`: later calls of the same batch see an invalid session. */
  sessionEnded(): void {
    this.ended = { kind: 'refused', error: new RpcError(RpcCode.InvalidSession, INVALID_SESSION_MESSAGE, { reason: 'ended' }) };
  }

  private async verify(): Promise<SessionState> {
    const check = await verifyApiSession(this.token, this.audit({ kind: 'api' }));
    if (check.ok) return { kind: 'valid', session: check.session };
    switch (check.reason) {
      case 'network_not_allowed':
        // The caller proved the password at `auth`, so the reason is not secret here (unlike at sign-in).
        return {
          kind: 'refused',
          error: new RpcError(
            RpcCode.AccessDenied,
            `Access denied: this mailbox may not be used from your current address (${this.clientIp ?? 'unknown'}). The session has ended.`,
          ),
        };
      case 'password_change_required':
        return { kind: 'refused', error: new RpcError(RpcCode.PasswordChangeRequired, PASSWORD_CHANGE_REQUIRED_MESSAGE) };
      case 'missing':
      case 'unknown':
      case 'expired':
        return { kind: 'refused', error: new RpcError(RpcCode.InvalidSession, INVALID_SESSION_MESSAGE, { reason: check.reason }) };
      default:
        // The subject changed (password, forced change, deactivation, deletion): the session has ended.
        return { kind: 'refused', error: new RpcError(RpcCode.InvalidSession, INVALID_SESSION_MESSAGE, { reason: 'ended' }) };
    }
  }
}
