import { describe, expect, it } from "vitest";
import { PerUserConcurrency } from "./search-concurrency";

/** Work that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("PerUserConcurrency", () => {
  it("runs at most perUser of a user's jobs at once, the rest in arrival order", async () => {
    const limiter = new PerUserConcurrency(2, 10);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, index) =>
      limiter.run("alice", async () => {
        started.push(index);
        await g.opened;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await expect(runs[1]).resolves.toBe(1);
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    await expect(runs[0]).resolves.toBe(0);
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]?.open();
    gates[3]?.open();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
  });

  it("never makes another user wait for this one", async () => {
    const limiter = new PerUserConcurrency(1, 10);
    const held = gate();
    const alice = limiter.run("alice", () => held.opened);
    const aliceQueued = limiter.run("alice", async () => "second");
    await expect(limiter.run("bob", async () => "bob ran")).resolves.toBe("bob ran");
    held.open();
    await alice;
    await expect(aliceQueued).resolves.toBe("second");
  });

  it("refuses (null) past maxWaiting, and frees the slot when a job fails", async () => {
    const limiter = new PerUserConcurrency(1, 1);
    const held = gate();
    const running = limiter.run("alice", async () => {
      await held.opened;
      throw new Error("query failed");
    });
    const waiting = limiter.run("alice", async () => "waited");
    await expect(limiter.run("alice", async () => "refused")).resolves.toBeNull();
    held.open();
    await expect(running).rejects.toThrow("query failed");
    await expect(waiting).resolves.toBe("waited");
    await expect(limiter.run("alice", async () => "free again")).resolves.toBe("free again");
  });
});
