// Browser-safe, and no catalogue import: components pass the translator of their page's language.
import type { DeviceDescription } from '@/lib/user-agent';
import type { Messages } from './catalogues';

/** A translator of the namespace 'DeviceNames' (useTranslations, getTranslations or createTranslator). */
export type DeviceWords = (key: keyof Messages['DeviceNames'], values?: Record<string, string>) => string;

/**
 * A device in the reader's language: "Chrome on macOS" / "Chrome unter macOS"; a lone browser, system or
 * product token as it is (they are names); "API client" and "Unknown device" from the catalogue.
 */
export function deviceName(device: DeviceDescription, t: DeviceWords): string {
  if (device.browser && device.os) return t('browserOnOs', { browser: device.browser, os: device.os });
  const name = device.browser ?? device.os ?? device.product;
  if (name) return name;
  return device.apiClient ? t('apiClient') : t('unknownDevice');
}
