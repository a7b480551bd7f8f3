import 'server-only';
import { z } from 'zod';
import { defineMethod } from '../method';

/** `hello.world` → "Hello World!" without a session: checks connectivity and the envelope. */
export const helloWorld = defineMethod({
  access: 'public',
  params: z.object({}),
  handle: () => 'Hello World!',
});
