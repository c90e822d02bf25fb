import { existsSync } from "node:fs";
import { runMigrations } from "../src/migrate";

const rootEnvFile = new URL("../../../.env", import.meta.url);
if (existsSync(rootEnvFile)) process.loadEnvFile(rootEnvFile);

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the PostgreSQL database to migrate.");
  process.exit(1);
}
await runMigrations(url);
console.log("Migrations applied.");
