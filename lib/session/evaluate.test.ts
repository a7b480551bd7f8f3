import { describe, expect, it } from 'vitest';
import { CONFINEMENTS, confinementAt, confinementPage, evaluate, landingPage, type SessionFacts } from './evaluate';

const live: SessionFacts = { kind: 'admin', accountId: 7, ended: null, pendingSecondFactor: false, mustChangePassword: false, mustEnrol: false, monitored: false };
const facts = (patch: Partial<SessionFacts>): SessionFacts => ({ ...live, ...patch });
const everything = facts({ pendingSecondFactor: true, mustChangePassword: true, mustEnrol: true, monitored: true });

describe('evaluate: every verdict', () => {
  it('no session is signed-out; an ended one is ended with its reason', () => {
    expect(evaluate(null, { at: null })).toEqual({ kind: 'signed-out' });
    expect(evaluate(facts({ ended: 'session_idle' }), { at: null })).toEqual({ kind: 'ended', reason: 'session_idle' });
  });

  it('a confinement sends every other request to its step, and admits its own page', () => {
    expect(evaluate(facts({ pendingSecondFactor: true }), { at: null })).toEqual({ kind: 'confined', step: 'second-factor', monitored: false });
    expect(evaluate(facts({ pendingSecondFactor: true }), { at: 'second-factor' })).toEqual({ kind: 'at-step', step: 'second-factor', monitored: false });
    expect(evaluate(facts({ mustChangePassword: true }), { at: null })).toMatchObject({ kind: 'confined', step: 'password-choice' });
    expect(evaluate(facts({ mustChangePassword: true }), { at: 'password-choice' })).toMatchObject({ kind: 'allowed', within: 'password-choice', scope: { kind: 'account', accountId: 7 } });
    expect(evaluate(facts({ mustEnrol: true }), { at: null })).toMatchObject({ kind: 'confined', step: 'enrolment' });
    expect(evaluate(facts({ mustEnrol: true }), { at: 'enrolment' })).toMatchObject({ kind: 'allowed', within: 'enrolment' });
  });

  it('an exclusive page whose step is done is step-done; a non-exclusive one is simply allowed', () => {
    expect(evaluate(live, { at: 'second-factor' })).toEqual({ kind: 'step-done', step: 'second-factor' });
    expect(evaluate(live, { at: 'password-choice' })).toMatchObject({ kind: 'allowed', within: null });
  });

  it('allowed carries the account scope, and says when it is only monitor mode that let it through', () => {
    expect(evaluate(live, { at: null })).toEqual({ kind: 'allowed', scope: { kind: 'account', accountId: 7 }, within: null, monitored: false });
    expect(evaluate(facts({ kind: 'mailbox', monitored: true }), { at: null })).toMatchObject({ kind: 'allowed', monitored: true });
    // Monitor mode is audited for a confined request too.
    expect(evaluate(facts({ mustChangePassword: true, monitored: true }), { at: null })).toMatchObject({ kind: 'confined', monitored: true });
  });

  it('sign-out is open to every confinement but a pending second factor, which proves nothing yet', () => {
    expect(evaluate(facts({ mustChangePassword: true }), { at: 'sign-out' })).toMatchObject({ kind: 'allowed', within: 'password-choice' });
    expect(evaluate(facts({ mustEnrol: true }), { at: 'sign-out' })).toMatchObject({ kind: 'allowed', within: 'enrolment' });
    expect(evaluate(facts({ pendingSecondFactor: true }), { at: 'sign-out' })).toMatchObject({ kind: 'confined', step: 'second-factor' });
  });

  it('a waived step is skipped for that channel only', () => {
    expect(evaluate(facts({ mustChangePassword: true }), { at: null, waived: ['password-choice'] })).toMatchObject({ kind: 'allowed', within: null });
    expect(evaluate(facts({ mustChangePassword: true, mustEnrol: true }), { at: null, waived: ['password-choice'] })).toMatchObject({ kind: 'confined', step: 'enrolment' });
  });
});

describe('evaluate: the order', () => {
  it('ended before everything; then second factor, password choice, enrolment, in that order', () => {
    expect(evaluate(facts({ ...everything, ended: 'inactive' }), { at: 'second-factor' })).toEqual({ kind: 'ended', reason: 'inactive' });
    expect(CONFINEMENTS.map((s) => s.name)).toEqual(['second-factor', 'password-choice', 'enrolment']);
    expect(evaluate(everything, { at: null })).toMatchObject({ kind: 'confined', step: 'second-factor' });
    expect(evaluate(facts({ mustChangePassword: true, mustEnrol: true }), { at: null })).toMatchObject({ kind: 'confined', step: 'password-choice' });
    // On the enrolment page, a pending password choice still comes first ...
    expect(evaluate(facts({ mustChangePassword: true, mustEnrol: true }), { at: 'enrolment' })).toMatchObject({ kind: 'confined', step: 'password-choice' });
    // ... and its own page admits it although enrolment is pending too (no redirect loop between the two).
    expect(evaluate(facts({ mustChangePassword: true, mustEnrol: true }), { at: 'password-choice' })).toMatchObject({ kind: 'allowed', within: 'password-choice' });
  });

  it('a pending second factor on any other step page is sent to verify, and gets no scope', () => {
    for (const at of ['password-choice', 'enrolment', null] as const) {
      const verdict = evaluate(everything, { at });
      expect(verdict).toMatchObject({ kind: 'confined', step: 'second-factor' });
      expect(verdict).not.toHaveProperty('scope');
    }
  });

  it('no verdict but allowed carries a scope', () => {
    const cases: [SessionFacts | null, Parameters<typeof evaluate>[1]][] = [
      [null, { at: null }],
      [facts({ ended: 'session_version' }), { at: null }],
      [facts({ mustEnrol: true }), { at: null }],
      [facts({ pendingSecondFactor: true }), { at: 'second-factor' }],
      [live, { at: 'second-factor' }],
    ];
    for (const [f, r] of cases) expect(evaluate(f, r)).not.toHaveProperty('scope');
  });
});

describe('pages', () => {
  it('each step page is defined once and found below itself, per session kind', () => {
    expect(confinementPage('admin', 'second-factor')).toBe('/admin/login/verify');
    expect(confinementAt('admin', '/admin/login/verify')).toBe('second-factor');
    expect(confinementAt('admin', '/admin/choose-password/x')).toBe('password-choice');
    expect(confinementAt('admin', '/admin/two-factor')).toBe('enrolment');
    expect(confinementAt('admin', '/admin/two-factorx')).toBeNull();
    expect(confinementAt('admin', '/admin/login')).toBeNull();
    expect(confinementAt('mailbox', '/change-password')).toBe('password-choice');
    expect(confinementAt('mailbox', '/admin/choose-password')).toBeNull();
    expect(confinementAt('mailbox', '/mail')).toBeNull();
  });

  it('after sign-in, the first confinement that applies decides where the subject lands', () => {
    expect(landingPage('admin', { mustChangePassword: true, mustEnrol: true }, '/admin/x')).toBe('/admin/choose-password');
    expect(landingPage('admin', { mustChangePassword: false, mustEnrol: true }, '/admin/x')).toBe('/admin/two-factor');
    expect(landingPage('admin', { mustChangePassword: false, mustEnrol: false }, '/admin/x')).toBe('/admin/x');
    expect(landingPage('mailbox', { mustChangePassword: true, mustEnrol: false }, '/mail')).toBe('/change-password');
  });
});
