import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EntryInfo as StoredInfo, EntryMeta as StoredMeta } from './schema';
import type { EntryInfo, EntryMeta } from '../lib/net/entry-types';

describe('the stored allowlist metadata type', () => {
  it('is the shape the browser-safe parser uses (db/ imports nothing above it, so each side writes it)', () => {
    expectTypeOf<StoredInfo>().toEqualTypeOf<EntryInfo>();
    expectTypeOf<StoredMeta>().toEqualTypeOf<EntryMeta>();
    const meta: StoredMeta = { '198.51.100.0/24': { label: 'Office', expiresAt: 1 } };
    const parsed: EntryMeta = meta;
    expect(parsed).toBe(meta);
  });
});
