import { ConflictError, ServiceUnavailableError } from './errors';

/**
 * One attempt of an optimistic write lost a race (stale version, transaction conflict) or was throttled:
 * read again and retry.
 */
export class WriteConflict extends Error {
  constructor(readonly throttled = false) {
    super(throttled ? 'write throttled' : 'write conflict');
    this.name = 'WriteConflict';
  }
}

export const MAX_WRITE_ATTEMPTS = 8;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Full-jitter exponential backoff, so racing writers spread out instead of colliding again. */
export function backoffMs(attempt: number): number {
  return Math.random() * Math.min(1_000, 20 * 2 ** attempt);
}

/**
 * Runs `attempt` until it stops throwing WriteConflict. Each attempt must re-read what it depends on.
 * When the attempts run out the caller gets a 409 (lost races) or 503 (throttled) it may retry, never a 500.
 */
export async function retryOnWriteConflict<T>(attempt: () => Promise<T>, maxAttempts = MAX_WRITE_ATTEMPTS): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      if (attemptNumber >= maxAttempts) throw error.throttled ? new ServiceUnavailableError() : new ConflictError();
      await sleep(backoffMs(attemptNumber));
    }
  }
}
