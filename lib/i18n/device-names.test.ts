import { createTranslator } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { API_CLIENT, describeUserAgent } from '@/lib/user-agent';
import { catalogue } from './catalogues';
import { deviceName, type DeviceWords } from './device-names';
import type { Locale } from './locales';

const words = (locale: Locale): DeviceWords => createTranslator({ locale, messages: catalogue(locale), namespace: 'DeviceNames' });
const MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('device names worded by the page', () => {
  it("says in English exactly what the service's English label says (what the CLI prints)", () => {
    for (const device of [describeUserAgent(MAC), describeUserAgent('curl/8.5.0'), describeUserAgent(null), describeUserAgent('/x'), API_CLIENT]) {
      expect(deviceName(device, words('en'))).toBe(device.label);
    }
  });

  it('says it in German: "unter" between browser and system, unknown devices and API clients in words', () => {
    const de = words('de');
    expect(deviceName(describeUserAgent(MAC), de)).toBe('Chrome unter macOS');
    expect(deviceName(describeUserAgent(null), de)).toBe('Unbekanntes Gerät');
    expect(deviceName(describeUserAgent('   '), de)).toBe('Unbekanntes Gerät');
    expect(deviceName(API_CLIENT, de)).toBe('API-Client');
    // A product token is a name, the same in every language.
    expect(deviceName(describeUserAgent('curl/8.5.0'), de)).toBe('curl');
  });
});
