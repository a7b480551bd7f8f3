import { defineConfig } from 'drizzle-kit';

// PostgreSQL migrations (DATABASE_URL=postgres://…): `npx drizzle-kit generate --config drizzle.pg.config.ts`.
// db/schema.pg.ts mirrors db/schema.ts; generate both whenever the schema changes (docs/database.md).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.pg.ts',
  out: './db/migrations-pg',
});
