import { DateOrDateTimeSchema, Nullable } from "@tasklane/contract";
import Fastify, { type FastifyInstance } from "fastify";
import { Type } from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import errorHandlerPlugin from "./error-handler";
import jsonBodyPlugin from "./json-body";
import validationPlugin from "./validation";

// Each format failure is worded as what the field accepts: an id is not a date.

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await app.register(validationPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(errorHandlerPlugin);
  app.post(
    "/things",
    {
      schema: {
        body: Type.Object({
          list_id: Type.Optional(Type.String({ format: "uuid" })),
          parent_id: Type.Optional(Nullable(Type.String({ format: "uuid" }))),
          due_date: Type.Optional(Nullable(DateOrDateTimeSchema)),
          day: Type.Optional(Type.String({ format: "date" })),
          at: Type.Optional(Type.String({ format: "date-time" })),
        }),
        querystring: Type.Object({ owner: Type.Optional(Type.String({ format: "uuid" })) }),
      },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
});

afterAll(() => app.close());

async function fieldErrors(body: unknown, query = "") {
  const response = await app.inject({
    method: "POST",
    url: `/things${query}`,
    payload: body as object,
  });
  expect(response.statusCode, response.body).toBe(422);
  return (response.json() as { errors: { field: string; message: string }[] }).errors;
}

describe("format failures", () => {
  it("say a bad uuid is not a valid id, in the body and in the query", async () => {
    expect(await fieldErrors({ list_id: "2026-01-01" })).toEqual([
      { field: "list_id", message: "must be a valid id (a UUID)" },
    ]);
    expect(await fieldErrors({ parent_id: "nope" })).toEqual([
      { field: "parent_id", message: "must be a valid id (a UUID) or null" },
    ]);
    expect(await fieldErrors({}, "?owner=nope")).toEqual([
      { field: "owner", message: "must be a valid id (a UUID)" },
    ]);
  });

  it("keep the date wording for a date field, and name a single format alone", async () => {
    expect(await fieldErrors({ due_date: "tomorrow" })).toEqual([
      {
        field: "due_date",
        message:
          "must be a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 date-time with an offset or null",
      },
    ]);
    expect(await fieldErrors({ day: "01/02/2026" })).toEqual([
      { field: "day", message: "must be a date (YYYY-MM-DD)" },
    ]);
    expect(await fieldErrors({ at: "2026-01-01" })).toEqual([
      { field: "at", message: "must be an RFC 3339 date-time with an offset" },
    ]);
  });

  it("accept well-formed values", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/things?owner=0190a8e2-7b1c-7d3e-8f00-000000000001",
      payload: {
        list_id: "0190a8e2-7b1c-7d3e-8f00-000000000001",
        parent_id: null,
        day: "2026-01-02",
      },
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});
