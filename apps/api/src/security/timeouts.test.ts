import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { serverOptions } from "../server-options";
import { createTestApp, type TestApp } from "../test/app";

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 800;
/** Generous bound on waiting for the server to hang up: deadline + Node's 1 s check + slack. */
const HANG_UP_WITHIN_MS = REQUEST_TIMEOUT_MS + 2500;

interface Exchange {
  /** Everything the server sent before it closed the connection. */
  received: string;
  closedAfterMs: number;
}

/**
 * Opens a raw connection, lets `talk` write to it (and keep writing), and resolves once the
 * server closes it; rejects if it is still open after `HANG_UP_WITHIN_MS`.
 */
function exchange(port: number, talk: (write: (text: string) => void) => void): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const write = (text: string) => {
      if (!socket.destroyed && socket.writable) socket.write(text);
    };
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${HANG_UP_WITHIN_MS} ms; received ${received}`));
    }, HANG_UP_WITHIN_MS);
    socket.on("connect", () => talk(write));
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: Date.now() - started });
    });
  });
}

/** Calls `send` every 100 ms until the connection is gone (write ignores a closed socket). */
function trickle(write: (text: string) => void, first: string, next: (i: number) => string) {
  write(first);
  let i = 0;
  const timer = setInterval(() => write(next(i++)), 100);
  timer.unref();
  return timer;
}

function parseResponse(raw: string) {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

function expectContractError(raw: string, status: number) {
  const response = parseResponse(raw);
  expect(response.status, raw).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  expect(JSON.parse(response.body)).toEqual({
    detail: expect.any(String),
    status_code: status,
    error_type: "bad_request",
  });
}

let t: TestApp;
let port: number;
const timers: NodeJS.Timeout[] = [];
beforeAll(async () => {
  t = await createTestApp({
    env: {
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
  });
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await t.close();
});

describe("slow clients (slowloris)", () => {
  it("cuts off a client that trickles its headers, however steadily, with a 408", async () => {
    const { received, closedAfterMs } = await exchange(port, (write) => {
      timers.push(
        trickle(write, "GET /health HTTP/1.1\r\nHost: localhost\r\n", (i) => `X-Slow-${i}: a\r\n`),
      );
    });
    expectContractError(received, 408);
    expect(closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
  });

  it("cuts off a connection that never sends a byte", async () => {
    const { received } = await exchange(port, () => {});
    expectContractError(received, 408);
  });

  it("cuts off a client that sends its headers but trickles the body", async () => {
    // Authenticated, so the API waits for the body instead of answering 401 at once.
    const token = await t.token("slow-body-user");
    const { received, closedAfterMs } = await exchange(port, (write) => {
      timers.push(
        trickle(
          write,
          `POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
          () => " ",
        ),
      );
    });
    expectContractError(received, 408);
    expect(closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
  });

  it("still serves a client that sends its request in time, on a kept-alive connection", async () => {
    const { received } = await exchange(port, (write) => {
      write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
      write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    });
    const answers = received.match(/HTTP\/1\.1 \d+/g);
    expect(answers).toEqual(["HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(received).toMatch(/^keep-alive: timeout=72$/im);
  });
});

describe("requests Node's HTTP parser refuses", () => {
  it("answers oversized headers with a 431 in the error shape", async () => {
    const { received } = await exchange(port, (write) => {
      write(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    });
    expectContractError(received, 431);
  });

  it.each([
    ["a garbage request line", "NOT HTTP AT ALL\r\n\r\n"],
    ["a CR inside a header value", "GET /health HTTP/1.1\r\nHost: localhost\r\nX-A: b\rc\r\n\r\n"],
    ["a header name with a space", "GET /health HTTP/1.1\r\nHost: localhost\r\nX A: b\r\n\r\n"],
    [
      "both Content-Length and chunked (request smuggling)",
      "POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ],
  ])("answers %s with a 400 in the error shape and hangs up", async (_name, request) => {
    const { received } = await exchange(port, (write) => write(request));
    expectContractError(received, 400);
  });
});

describe("server timeouts", () => {
  it("default to 10 s for headers, 30 s per request, 60 s idle mid-request, 72 s keep-alive", () => {
    const options = serverOptions(loadConfig({ DATABASE_URL: "postgres://db.example.test/x" }));
    expect(options.http).toMatchObject({ headersTimeout: 10_000 });
    expect(options).toMatchObject({
      requestTimeout: 30_000,
      connectionTimeout: 60_000,
      keepAliveTimeout: 72_000,
    });
  });

  it("are set on the listening server", () => {
    expect(t.app.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(t.app.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(t.app.server.keepAliveTimeout).toBe(72_000);
    expect(t.app.server.timeout).toBe(60_000);
  });
});
