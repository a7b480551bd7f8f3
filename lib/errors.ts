import { englishProblemMessage, type ServiceProblem } from './service-problems';

/**
 * Domain errors. The admin UI, the JSON-RPC API, the CLI and the mail-auth endpoint each translate these
 * into their own wire format; none of them carries internal details (SQL, stack traces). One made from a
 * ServiceProblem (lib/service-problems.ts) keeps it as `problem`, so that a page can word it in its
 * reader's language, while `message` is the English that the API and the CLI answer with.
 */
export class DomainError extends Error {
  declare readonly problem?: ServiceProblem;
  constructor(message: string | ServiceProblem) {
    super(typeof message === 'string' ? message : englishProblemMessage(message));
    this.name = new.target.name;
    if (typeof message !== 'string') this.problem = message;
  }
}

/** Input that fails a rule; `field` names the bad part and `details` may list every bad item. */
export class ValidationError extends DomainError {
  constructor(
    readonly field: string,
    message: string | ServiceProblem,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** One message per failed rule (password policy problems carry their own), else the whole message. */
  get messages(): string[] {
    if (Array.isArray(this.details) && this.details.every((d) => typeof (d as { message?: unknown })?.message === 'string')) {
      return (this.details as { message: string }[]).map((d) => d.message);
    }
    return [this.message];
  }
}

/** Also used for another account's objects, so that their existence is not revealed. */
export class NotFoundError extends DomainError {}

export class ConflictError extends DomainError {}

export class ForbiddenError extends DomainError {}

/** Too much work asked for in too short a time; the caller may try again after `retryAfterMinutes`. */
export class RateLimitedError extends DomainError {
  constructor(
    message: string | ServiceProblem,
    readonly retryAfterMinutes: number,
  ) {
    super(message);
  }
}

/**
 * A sensitive step (spec §23) needs the admin's password (and second factor, where on) again: the session's
 * last proof is older than lib/admins/reauth.ts REAUTH_WINDOW_MS. The web asks with "Confirm your password".
 */
export class ReauthRequiredError extends DomainError {}
