/**
 * At most `perUser` of one user's searches run at once in this process; the next ones wait
 * their turn (up to `maxWaiting`, then they are refused). Searching is the one read whose cost
 * grows with what a user stores, so one user's burst queues behind itself instead of holding
 * the pool that everyone's requests share.
 */
export class PerUserConcurrency {
  private readonly users = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(
    private readonly perUser: number,
    private readonly maxWaiting: number,
  ) {}

  /** Runs `work` in one of the user's slots; null when the user's queue is full. */
  async run<T>(userId: string, work: () => Promise<T>): Promise<T | null> {
    let user = this.users.get(userId);
    if (!user) {
      user = { running: 0, waiting: [] };
      this.users.set(userId, user);
    }
    if (user.running < this.perUser) {
      user.running++;
    } else {
      if (user.waiting.length >= this.maxWaiting) return null;
      // The finishing search hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => user.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = user.waiting.shift();
      if (next) next();
      else if (--user.running === 0) this.users.delete(userId);
    }
  }
}
