import 'server-only';
import { registerBackgroundWork } from '@/lib/ops/background';
import { notifyWorker } from './worker';

// Imported by app/v1/route.ts next to lib/mail-kick/register.ts (the route module server.ts loads at start),
// so the worker runs in the bundle that shares the app's database engine. The integrator moves it onto the
// job table (lib/jobs/) at merge.
registerBackgroundWork('notify', notifyWorker());
