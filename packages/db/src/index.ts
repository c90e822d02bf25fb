export * from "./client";
export * from "./errors";
export { migrationsFolder, runMigrations } from "./migrate";
export { preparedQuery } from "./prepared";
export * as schema from "./schema";
