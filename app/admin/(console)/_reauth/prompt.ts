/** What a sensitive form's "Confirm your password" fields ask for (browser-safe: the forms render it). */
export interface ReauthPrompt {
  /** A code from the authenticator app or a recovery code. */
  code: boolean;
  /** A passkey may confirm (needs JavaScript). */
  passkey: boolean;
  /** Why the last confirmation was refused. */
  error?: string;
}
