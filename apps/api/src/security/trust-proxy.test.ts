import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

// Unauthenticated /api requests get a quarter of this per client IP: 2.
const RATE_LIMIT_PER_MINUTE = 8;
const ANONYMOUS_BUDGET = RATE_LIMIT_PER_MINUTE / 4;

/** An unauthenticated request from `peer` (the TCP peer) with an optional X-Forwarded-For. */
function anonymous(t: TestApp, peer: string, forwardedFor?: string) {
  return t.app.inject({
    method: "GET",
    url: "/api/tasks",
    remoteAddress: peer,
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  });
}

const statuses = (responses: LightMyRequestResponse[]) =>
  responses.map((response) => response.statusCode);

async function inSequence(requests: (() => Promise<LightMyRequestResponse>)[]) {
  const responses: LightMyRequestResponse[] = [];
  for (const request of requests) responses.push(await request());
  return responses;
}

describe("without TRUST_PROXY", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) } });
  });
  afterAll(() => t.close());

  it("ignores X-Forwarded-For: a new spoofed address per request does not earn a new budget", async () => {
    const responses = await inSequence(
      Array.from(
        { length: ANONYMOUS_BUDGET + 2 },
        (_, i) => () => anonymous(t, "10.1.0.1", `203.0.113.${i + 1}`),
      ),
    );
    expect(statuses(responses)).toEqual([401, 401, 429, 429]);
  });

  it("keys on the TCP peer, so another peer still has its budget", async () => {
    expect((await anonymous(t, "10.1.0.2", "10.1.0.1")).statusCode).toBe(401);
  });
});

describe("with TRUST_PROXY naming the load balancer's network", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE), TRUST_PROXY: "10.0.0.0/8" },
    });
  });
  afterAll(() => t.close());

  it("limits per forwarded client address, not per proxy", async () => {
    const proxy = "10.2.0.1";
    const first = await inSequence(
      Array.from({ length: ANONYMOUS_BUDGET + 1 }, () => () => anonymous(t, proxy, "203.0.113.10")),
    );
    expect(statuses(first)).toEqual([401, 401, 429]);
    // Another client behind the same proxy has its own budget.
    expect((await anonymous(t, proxy, "203.0.113.11")).statusCode).toBe(401);
  });

  it("keys on the address the trusted proxy saw, whatever the client prepended", async () => {
    // The proxy appends the real peer; everything before it came from the client.
    const responses = await inSequence(
      Array.from(
        { length: ANONYMOUS_BUDGET + 1 },
        (_, i) => () => anonymous(t, "10.2.0.1", `198.18.0.${i + 1}, 203.0.113.20`),
      ),
    );
    expect(statuses(responses)).toEqual([401, 401, 429]);
  });

  it("ignores X-Forwarded-For from a peer outside TRUST_PROXY", async () => {
    const responses = await inSequence(
      Array.from(
        { length: ANONYMOUS_BUDGET + 1 },
        (_, i) => () => anonymous(t, "198.51.100.7", `203.0.113.${30 + i}`),
      ),
    );
    expect(statuses(responses)).toEqual([401, 401, 429]);
  });

  it("uses the proxy's own address when it forwards none", async () => {
    const responses = await inSequence(
      Array.from({ length: ANONYMOUS_BUDGET + 1 }, () => () => anonymous(t, "10.2.0.9")),
    );
    expect(statuses(responses)).toEqual([401, 401, 429]);
  });
});
