import { ConfigError, parseEnvironment } from "@tasklane/env";
import { readEnvironment } from "@tasklane/env/file";
import { Type } from "typebox";
import { DatabaseEnv } from "../src/env";
import { runMigrations } from "../src/migrate";

let url: string;
try {
  url = parseEnvironment(Type.Pick(DatabaseEnv, ["DATABASE_URL"]), readEnvironment()).DATABASE_URL;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${error.message}: point DATABASE_URL at the PostgreSQL database to migrate.`);
  process.exit(1);
}
await runMigrations(url);
console.log("Migrations applied.");
