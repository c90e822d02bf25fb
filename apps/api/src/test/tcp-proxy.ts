import {
  type AddressInfo,
  createConnection,
  createServer,
  type Server,
  type Socket,
} from "node:net";

export type ProxyTarget = { host: string; port: number } | { path: string };

export type ProxyState = "up" | "down" | "blackhole" | "stalled";

/**
 * A TCP proxy between the app and a real PostgreSQL, so a test can take the
 * database away for real and bring it back:
 * - `down()`: open connections are destroyed and new ones refused (ECONNREFUSED);
 * - `blackhole()`: open connections are destroyed; new ones are accepted and never answered;
 * - `stall()`: every connection, open or new, stays open but nothing is forwarded any more
 *   (a network partition);
 * - `up()`: forwarding again, on the same port.
 */
export class TcpProxy {
  private state: ProxyState = "up";
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private listening = false;

  private port = 0;

  private constructor(private readonly target: ProxyTarget) {
    this.server = this.createServer();
  }

  /** Starts a proxy to a TCP address or a unix socket on a free local port. */
  static async start(target: ProxyTarget): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** Starts a proxy to the PostgreSQL server of a `postgres://` URL (TCP or unix socket). */
  static forDatabase(databaseUrl: string): Promise<TcpProxy> {
    const url = new URL(databaseUrl);
    const port = Number(url.port || 5432);
    const socketDir =
      url.searchParams.get("host") ?? (url.hostname === "" ? "/var/run/postgresql" : null);
    if (socketDir?.startsWith("/"))
      return TcpProxy.start({ path: `${socketDir}/.s.PGSQL.${port}` });
    return TcpProxy.start({ host: url.hostname.replace(/^\[|\]$/g, ""), port });
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  rewrite(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    // A unix-socket host given as a query parameter would bypass the proxy.
    url.searchParams.delete("host");
    return url.toString();
  }

  /** Connections currently open through the proxy (client side). */
  get openConnections(): number {
    return this.sockets.size;
  }

  async down(): Promise<void> {
    this.state = "down";
    this.destroyAll();
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }

  async blackhole(): Promise<void> {
    this.state = "blackhole";
    this.destroyAll();
    await this.listen();
  }

  async stall(): Promise<void> {
    this.state = "stalled";
    await this.listen();
  }

  async up(): Promise<void> {
    // Connections that were held silent are useless now: drop them, as a real outage would.
    if (this.state === "blackhole" || this.state === "stalled") this.destroyAll();
    this.state = "up";
    await this.listen();
  }

  async close(): Promise<void> {
    this.destroyAll();
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  }

  private createServer(): Server {
    return createServer((client) => {
      this.track(client);
      if (this.state !== "up") {
        // blackhole / stalled: accept and say nothing.
        return;
      }
      const upstream = createConnection(this.target);
      this.track(upstream);
      const forward = (from: Socket, to: Socket) =>
        from.on("data", (chunk: Buffer) => {
          if (this.state === "up") to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
  }

  private async listen(): Promise<void> {
    if (this.listening) return;
    // A closed net.Server can listen again; a fresh one keeps things simple.
    this.server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }
}
