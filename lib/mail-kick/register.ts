import 'server-only';
import { registerBackgroundWork } from '@/lib/ops/background';
import { mailKickWorker } from './worker';

// Imported by a route module that server.ts loads at start (app/v1/route.ts): the worker must run in a
// bundle that resolves `server-only` and shares the app's database engine. server.ts starts it.
registerBackgroundWork('mail-kick', mailKickWorker());
