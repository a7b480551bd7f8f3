// Not marked `server-only`: server.ts stops the work registered here at shutdown. server.ts starts its own
// jobs directly (the mail disconnect worker); what registers here is work that lives in a route bundle's
// copy of a module and must be finished at shutdown (the sign-in summaries of web sign-ins).

/** Work that runs in the background of the server process for as long as it serves. */
export interface BackgroundWork {
  start(): void;
  /** Stops taking new work and resolves once the work in hand is done. */
  stop(): Promise<void>;
}

// server.ts and the route bundle each have their own copy of this module: the table lives on globalThis.
const holder = globalThis as unknown as { portcullisBackground?: Map<string, BackgroundWork>; portcullisBackgroundStarted?: boolean };

/**
 * Registers a background job under a name; it starts with the others (at once if they run already). Every
 * route bundle that loads the defining module registers its own copy: only the first one counts, so the
 * job runs once per process.
 */
export function registerBackgroundWork(name: string, work: BackgroundWork): void {
  const table = (holder.portcullisBackground ??= new Map());
  if (table.has(name)) return;
  table.set(name, work);
  if (holder.portcullisBackgroundStarted) work.start();
}

/** server.ts, once it serves: starts every registered job, and every job registered from now on. */
export function startBackgroundWork(): string[] {
  holder.portcullisBackgroundStarted = true;
  const names: string[] = [];
  for (const [name, work] of holder.portcullisBackground ?? []) {
    work.start();
    names.push(name);
  }
  return names;
}

/** server.ts, at SIGTERM: stops every job and waits for the work in hand. */
export async function stopBackgroundWork(): Promise<void> {
  holder.portcullisBackgroundStarted = false;
  await Promise.all([...(holder.portcullisBackground?.values() ?? [])].map((w) => w.stop()));
}
