import http from "node:http";
import type { AddressInfo } from "node:net";
import proxyAddr from "@fastify/proxy-addr";
import { CLIENT_ADDRESS_HEADER } from "@tasklane/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, installClientAddressHeader } from "./client-address";

/** What a server's handler reads, for a request from this process (127.0.0.1) with `headers`. */
async function seenBy(server: http.Server, headers: Record<string, string>) {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/`, { headers });
  return (await response.json()) as { address: string | null; forwardedFor: string | null };
}

function echoServer(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({
        address: request.headers[CLIENT_ADDRESS_HEADER] ?? null,
        forwardedFor: request.headers["x-forwarded-for"] ?? null,
      }),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const loopback = (address: string | null) =>
  expect(["127.0.0.1", "::ffff:127.0.0.1"]).toContain(address);

describe("clientAddress", () => {
  const request = (remoteAddress: string, forwardedFor?: string) =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
    }) as unknown as http.IncomingMessage;
  const nobody = proxyAddr.compile([]);
  const proxy = proxyAddr.compile(["10.0.0.5"]);

  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(request("192.0.2.7"), nobody)).toBe("192.0.2.7");
    expect(clientAddress(request("192.0.2.7", "203.0.113.1"), nobody)).toBe("192.0.2.7");
  });

  it("is the nearest untrusted hop of X-Forwarded-For when the peer is a trusted proxy", () => {
    expect(clientAddress(request("10.0.0.5", "203.0.113.1"), proxy)).toBe("203.0.113.1");
    // The client's own claim sits further left: the proxy's append is what counts.
    expect(clientAddress(request("10.0.0.5", "198.51.100.9, 203.0.113.1"), proxy)).toBe(
      "203.0.113.1",
    );
  });

  it("ignores X-Forwarded-For from a peer that is not the trusted proxy", () => {
    expect(clientAddress(request("192.0.2.7", "203.0.113.1"), proxy)).toBe("192.0.2.7");
  });
});

describe("installClientAddressHeader", () => {
  let server: http.Server;
  beforeAll(async () => {
    installClientAddressHeader([]);
    server = await echoServer();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("gives every request the socket's address", async () => {
    loopback((await seenBy(server, {})).address);
  });

  it("replaces a client-sent address header and ignores a client-sent X-Forwarded-For", async () => {
    for (let i = 1; i <= 5; i++) {
      const seen = await seenBy(server, {
        [CLIENT_ADDRESS_HEADER]: `203.0.113.${i}`,
        "x-forwarded-for": `198.51.100.${i}`,
      });
      loopback(seen.address);
      // Left as it came: only the header Better Auth reads is the server's.
      expect(seen.forwardedFor).toBe(`198.51.100.${i}`);
    }
  });
});
