/**
 * Only for Better Auth's CLI (`npm run auth:generate`), which reads the plugin
 * set from this config to generate packages/db/src/auth-schema.ts.
 * Do not import it from application code.
 */
import { initAuth } from "../src/index";

export const auth = initAuth({
  baseUrl: "http://localhost:3000",
  secret: "schema-generation-only-not-a-secret-000000",
  db: {} as never,
  schema: {},
});
