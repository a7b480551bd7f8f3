import fs from 'node:fs';
import { migrateDatabase, openDatabase } from '../../db/migrate';
import { servers } from '../../playwright.config';

/** Fails early and clearly without a production build; makes sure both fresh databases are migrated. */
export default function globalSetup(): void {
  if (!fs.existsSync('.next/BUILD_ID')) {
    throw new Error('No production build: run `npm run test:e2e` (it runs `next build` first).');
  }
  for (const server of Object.values(servers)) {
    const { db, sqlite } = openDatabase(server.db);
    migrateDatabase(db);
    sqlite.close();
  }
}
