/**
 * Errors that cross a port carry `retryable`: the batch runner retries those and
 * dead-letters the rest. Expected outcomes (unschedulable, duplicate) are values,
 * not exceptions; these are for what went wrong.
 */
export class PodflowError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that will never become valid by retrying. */
export class ValidationError extends PodflowError {
  constructor(message: string, readonly causes: { field: string; message: string }[] = [], options?: { cause?: unknown }) {
    super(message, false, options);
  }
}

/** A conditional write lost a race: re-read and decide again. */
export class ConflictError extends PodflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, true, options);
  }
}

export class NotFoundError extends PodflowError {
  constructor(message: string) {
    super(message, false);
  }
}

/** A dependency (broker, store, Docker) failed; usually worth another try. */
export class DependencyError extends PodflowError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.retryable ?? true, options);
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof PodflowError ? err.retryable : true;
}
