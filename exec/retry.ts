/** Retries with backoff: an action tried again after a wait that doubles each time. */

export interface Attempt {
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** How many attempts there are at most. */
  readonly of: number;
}

export interface RetryOptions {
  /** Attempts at most (1: no retry). */
  readonly attempts: number;
  /** The wait before the second attempt; each later one waits twice the one before. */
  readonly backoffMs: number;
}

/** `once`'s first result, or the failure of its last attempt. */
export async function withRetries<T>(once: (a: Attempt) => Promise<T>, options: RetryOptions): Promise<T> {
  const of = Math.max(1, Math.floor(options.attempts));
  let delay = options.backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await once({ attempt, of });
    } catch (err) {
      if (attempt >= of) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay *= 2;
  }
}
