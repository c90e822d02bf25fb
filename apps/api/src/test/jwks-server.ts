import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export interface TokenClaims {
  sub?: string;
  email?: string;
  name?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now; negative for an expired token. Omit `exp` entirely with `null`. */
  expiresIn?: number | null;
  notBefore?: number;
  /** Seconds from now of `iat` (negative: issued in the past); default now. */
  issuedAt?: number;
  [claim: string]: unknown;
}

async function sign(
  claims: TokenClaims,
  header: { alg: string; kid?: string },
  key: PrivateKey | Uint8Array,
): Promise<string> {
  const { sub, iss, aud, expiresIn = 600, notBefore, issuedAt, ...rest } = claims;
  const jwt = new SignJWT(rest)
    .setProtectedHeader(header)
    .setIssuedAt(issuedAt === undefined ? undefined : Math.floor(Date.now() / 1000) + issuedAt);
  if (sub !== undefined) jwt.setSubject(sub);
  if (iss !== undefined) jwt.setIssuer(iss);
  if (aud !== undefined) jwt.setAudience(aud);
  if (expiresIn !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  if (notBefore !== undefined) jwt.setNotBefore(Math.floor(Date.now() / 1000) + notBefore);
  return jwt.sign(key);
}

export function signHs256(claims: TokenClaims, secret: string): Promise<string> {
  return sign(claims, { alg: "HS256" }, new TextEncoder().encode(secret));
}

/**
 * A local JWKS endpoint over real HTTP, as Better Auth's jwt plugin serves one:
 * Ed25519 keys, `kid` = key id. Counts fetches so tests can see refetch limits.
 */
export class JwksServer {
  fetches = 0;
  /** While set, every fetch is answered with this status and no keys (an auth-server outage). */
  failWith: number | null = null;
  /** The path and query of every fetch, in order. */
  readonly fetchedUrls: string[] = [];
  private keys: { kid: string; privateKey: PrivateKey; publicJwk: JWK }[] = [];
  private removed: { kid: string; privateKey: PrivateKey; publicJwk: JWK }[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<JwksServer> {
    const server = createServer();
    const jwks = new JwksServer(server);
    server.on("request", (request, response) => {
      jwks.fetches++;
      jwks.fetchedUrls.push(request.url ?? "");
      if (jwks.failWith !== null) {
        response.statusCode = jwks.failWith;
        response.end();
        return;
      }
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ keys: jwks.keys.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await jwks.addKey("key-1");
    return jwks;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/auth/jwks`;
  }

  /** Adds a key to the served set (rotation); it signs from now on when `kid` is passed. */
  async addKey(kid: string): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
    this.keys.push({ kid, privateKey, publicJwk });
  }

  /** Stops publishing a key (revocation); it can still sign, for tests of what that is worth. */
  removeKey(kid: string): void {
    const index = this.keys.findIndex((key) => key.kid === kid);
    if (index === -1) throw new Error(`no key ${kid}`);
    this.removed.push(...this.keys.splice(index, 1));
  }

  /** A key the server does not publish: its tokens carry an unknown kid. */
  async unpublishedSigner(kid: string) {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    return (claims: TokenClaims) => sign(claims, { alg: "EdDSA", kid }, privateKey);
  }

  publicJwk(kid = "key-1"): JWK {
    const key = this.keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return key.publicJwk;
  }

  /** A token signed by a published key, or by one that was removed. */
  sign(claims: TokenClaims, kid = "key-1"): Promise<string> {
    const key = [...this.keys, ...this.removed].find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return sign(claims, { alg: "EdDSA", kid }, key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
