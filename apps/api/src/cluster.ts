import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";

/** A worker's question to the primary, and the answer: the whole cluster's metrics. */
const METRICS_REQUEST = "tasklane:metrics-request";
const METRICS_RESPONSE = "tasklane:metrics-response";
/** A worker that dies sooner than this after its start is crashing, not failing: stop. */
const CRASH_LOOP_MS = 5_000;
const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM"] as const;

interface MetricsMessage {
  type: typeof METRICS_REQUEST | typeof METRICS_RESPONSE;
  id: number;
  metrics?: string;
  error?: string;
}

/**
 * The primary of `API_WORKERS` > 1: forks the workers (which share the listening port), replaces
 * one that dies, answers their requests for cluster-wide metrics, and on SIGINT/SIGTERM passes
 * the signal on and exits 0 once every worker has shut down gracefully.
 */
export function runPrimary(workers: number, log: (message: string) => void): void {
  const aggregator = new AggregatorRegistry();
  const startedAt = new Map<Worker, number>();
  let stopping = false;

  const fork = () => startedAt.set(cluster.fork(), Date.now());
  for (let i = 0; i < workers; i++) fork();

  cluster.on("message", (worker, message: MetricsMessage) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (metrics) => worker.send({ type: METRICS_RESPONSE, id: message.id, metrics }),
      (error: Error) =>
        worker.send({ type: METRICS_RESPONSE, id: message.id, error: error.message }),
    );
  });

  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (startedAt.size === 0) process.exit(0);
      return;
    }
    log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
    if (lived < CRASH_LOOP_MS) {
      log("a worker died right after starting; stopping instead of restarting it in a loop");
      stopping = true;
      for (const other of startedAt.keys()) other.kill("SIGTERM");
      process.exitCode = 1;
      if (startedAt.size === 0) process.exit(1);
      return;
    }
    fork();
  });

  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      for (const worker of startedAt.keys()) worker.process.kill(signal);
    });
  }
}

let nextRequestId = 0;
let listening = false;
const pending = new Map<number, (message: MetricsMessage) => void>();

/** In a worker: the metrics of every worker, aggregated by the primary (prom-client's way). */
export function clusterMetrics(): Promise<string> {
  if (!listening) {
    listening = true;
    process.on("message", (message: MetricsMessage) => {
      if (message?.type === METRICS_RESPONSE) pending.get(message.id)?.(message);
    });
  }
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (message) => {
      pending.delete(id);
      if (message.metrics !== undefined) resolve(message.metrics);
      else reject(new Error(message.error ?? "no metrics from the cluster primary"));
    });
    process.send?.({ type: METRICS_REQUEST, id });
  });
}
