/**
 * @file The calls using a session, so that its release waits for them. A prediction runs its model
 * once per window and yields between windows; a release queued in such a gap (a run ending, a new
 * run's Start, an eviction) would otherwise end the session under it ("invalid session id").
 */
export class Users {
  private count = 0;
  private waiting: (() => void)[] = [];

  /** Runs `fn`, counted as a user from this call on (before any await), until it settles. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await fn();
    } finally {
      if (--this.count === 0) for (const resolve of this.waiting.splice(0)) resolve();
    }
  }

  /** Resolves once no call holds the session. */
  async drained(): Promise<void> {
    if (this.count > 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}
