import { parseEnvironment, StackEnv } from "@tasklane/env";
import { Type } from "typebox";
import { describe, expect, it } from "vitest";
import { DatabaseEnv, EmbeddedDatabaseEnv, poolSettingsOf } from "./env";

describe("the database settings", () => {
  it("default to a pool of 10 whose server cancels a statement before the client gives up", () => {
    const env = parseEnvironment(DatabaseEnv, { DATABASE_URL: "postgres://u@127.0.0.1/x" });
    expect(poolSettingsOf(env)).toEqual({
      max: 10,
      connectionTimeoutMillis: 1500,
      queryTimeoutMillis: 1500,
      statementTimeoutMillis: 1000,
      namedStatements: true,
    });
  });

  it("give npm start its embedded database's port, beside the stack's addresses", () => {
    const StartEnv = Type.Object({ ...StackEnv.properties, ...EmbeddedDatabaseEnv.properties });
    expect(parseEnvironment(StartEnv, {}).EMBEDDED_PG_PORT).toBe(54329);
    expect(() => parseEnvironment(StartEnv, { EMBEDDED_PG_PORT: "0" })).toThrow(
      "invalid configuration: EMBEDDED_PG_PORT must be >= 1",
    );
  });
});
