import http from "node:http";
import proxyAddr from "@fastify/proxy-addr";
import { CLIENT_ADDRESS_HEADER } from "@tasklane/auth";

type Trust = ReturnType<typeof proxyAddr.compile>;

/**
 * The client's address: the socket's peer, or, when that peer is a proxy named in TRUST_PROXY,
 * the first address in X-Forwarded-For (read from the right) that is not a trusted proxy. The
 * API's rule (Fastify's trustProxy uses the same proxy-addr), so both count one client alike.
 */
export function clientAddress(request: http.IncomingMessage, trust: Trust): string {
  return proxyAddr(request, trust);
}

let installed = false;

/**
 * Sets CLIENT_ADDRESS_HEADER on every request this process's HTTP servers receive, before any
 * handler sees it, replacing a value the client sent. `next start` owns its server and hands
 * route handlers (Better Auth's) a Request without the socket, so this hooks the emit of
 * `request` on http.Server, which is how Node hands a request to a server's listeners.
 */
export function installClientAddressHeader(trustProxy: readonly string[]): void {
  if (installed) return;
  installed = true;
  const trust = proxyAddr.compile([...trustProxy]);
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitWithClientAddress(
    this: http.Server,
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      // A socket already gone has no address: no header then, so no client-chosen one either.
      if (request.socket?.remoteAddress) {
        request.headers[CLIENT_ADDRESS_HEADER] = clientAddress(request, trust);
      } else {
        delete request.headers[CLIENT_ADDRESS_HEADER];
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}
