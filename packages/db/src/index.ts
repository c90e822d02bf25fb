export * from "./client";
export { migrationsFolder, runMigrations } from "./migrate";
export { preparedQuery } from "./prepared";
export * as schema from "./schema";
