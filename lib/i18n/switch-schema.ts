import { z } from 'zod';
import { LOCALES } from './locales';

/** The language switch's form (app/language/route.ts): the chosen language and the page to return to. */
export const languageSwitchSchema = z.object({
  locale: z.enum(LOCALES),
  // Checked again by sameSitePath: only a path on this site is followed.
  return: z.string().max(2048).optional(),
});
