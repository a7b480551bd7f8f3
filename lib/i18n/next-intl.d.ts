import type en from './messages/en.json';
import type { Locale } from './locales';

// Typed keys: `t('Login.title')` with a key missing from the English catalogue fails the typecheck.
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof en;
  }
}
