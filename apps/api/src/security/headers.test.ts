import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

const WEB_ORIGIN = "http://localhost:3000";
const MISSING_TASK = "01932e4a-0000-7000-8000-000000000000";

/** The headers every API response carries, whatever its status. */
function expectJsonApiHeaders(response: LightMyRequestResponse) {
  const { headers } = response;
  expect(headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  expect(headers["cross-origin-resource-policy"]).toBe("same-origin");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["x-powered-by"]).toBeUndefined();
}

/** Follows /docs' redirects (it sends the browser to its canonical URL). */
async function getFollowingRedirects(t: TestApp, url: string) {
  let response = await t.app.inject({ method: "GET", url });
  for (let hops = 0; hops < 3 && response.statusCode >= 300 && response.statusCode < 400; hops++) {
    const location = new URL(String(response.headers.location), `http://localhost${url}`);
    response = await t.app.inject({ method: "GET", url: location.pathname });
  }
  return response;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("security headers on JSON responses", () => {
  it.each<[string, InjectOptions, number]>([
    ["a list", { method: "GET", url: "/api/tasks" }, 200],
    ["a create", { method: "POST", url: "/api/tasks", payload: { title: "headers" } }, 201],
    ["/health", { method: "GET", url: "/health" }, 200],
    ["/openapi.json", { method: "GET", url: "/openapi.json" }, 200],
    ["a missing task", { method: "GET", url: `/api/tasks/${MISSING_TASK}` }, 404],
    ["an unknown route", { method: "GET", url: "/nope" }, 404],
    ["an undecodable URL", { method: "GET", url: "/api/tasks/%zz" }, 404],
    ["a foreign path", { method: "GET", url: "/api/someone-else/tasks" }, 403],
    ["a validation failure", { method: "GET", url: "/api/tasks?limit=0" }, 422],
    ["an invalid body", { method: "POST", url: "/api/tasks", payload: { title: "" } }, 422],
    [
      "malformed JSON",
      {
        method: "POST",
        url: "/api/tasks",
        payload: "{",
        headers: { "content-type": "application/json" },
      },
      400,
    ],
  ])("are on %s (%s)", async (_name, request, status) => {
    const response = await t.as("headers-user", request);
    expect(response.statusCode, response.body).toBe(status);
    expectJsonApiHeaders(response);
  });

  it("are on a 401", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/tasks" });
    expect(response.statusCode).toBe(401);
    expectJsonApiHeaders(response);
  });

  it("are on a CORS preflight, next to its CORS headers", async () => {
    const response = await t.app.inject({
      method: "OPTIONS",
      url: "/api/tasks",
      headers: {
        origin: WEB_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers["access-control-allow-origin"]).toBe(WEB_ORIGIN);
    expectJsonApiHeaders(response);
  });

  it("leave the web app's cross-origin reads to CORS: an allowed origin still reads the answer", async () => {
    // CORP only applies to no-cors loads; the web app's fetches are CORS requests.
    const response = await t.as("headers-user", {
      method: "GET",
      url: "/api/tasks",
      headers: { origin: WEB_ORIGIN },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBe(WEB_ORIGIN);
    expect(response.headers["cross-origin-resource-policy"]).toBe("same-origin");
  });
});

describe("/docs", () => {
  it("gets a policy that lets Swagger UI load its own scripts, styles and document", async () => {
    const page = await getFollowingRedirects(t, "/docs");
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    const csp = String(page.headers["content-security-policy"]);
    const directives = new Map(
      csp
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("style-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    // It would send a browser on plain http (local use) to https for every asset.
    expect(directives.has("upgrade-insecure-requests")).toBe(false);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("serves a page whose every script and stylesheet is a same-origin file the policy allows", async () => {
    const page = await getFollowingRedirects(t, "/docs");
    const html = page.body;
    // No inline code, which script-src 'self' / style-src 'self' would block.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\son\w+=/i);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset, "same origin").not.toMatch(/^[a-z]+:|^\/\//i);
      const url = new URL(asset, "http://localhost/docs/").pathname;
      const response = await t.app.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(200);
    }
  });

  it("serves the document Swagger UI fetches", async () => {
    const response = await t.app.inject({ method: "GET", url: "/docs/json" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
  });
});
