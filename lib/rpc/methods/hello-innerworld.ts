import 'server-only';
import { z } from 'zod';
import { defineMethod } from '../method';

/** `hello.innerworld` → "Hello Inner World!" with a valid session of either level: checks the token. */
export const helloInnerworld = defineMethod({
  access: 'session',
  params: z.object({}),
  handle: () => 'Hello Inner World!',
});
