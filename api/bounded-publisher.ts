/**
 * The API's publisher: a write answers within a bound even when the broker
 * hangs (a paused or partitioned broker keeps the socket open, and kafkajs
 * would retry for ~25 s). Past the bound the client gets 503 ServiceUnavailable
 * with Retry-After, as the Kubernetes API server answers when etcd is away;
 * the client retries, and a record that did reach the broker meanwhile makes
 * the retry answer AlreadyExists, never a second pod. A write is not published
 * at all while the store does not answer (the cached readiness probe): its
 * handler could not apply it, and the client would wait for a timeout.
 */
import type { Envelope, TopicName } from '../shared/events';
import { StatusError, serviceUnavailable } from '../shared/kube/status';
import type { Publisher } from '../shared/ports';
import { withTimeout } from './readiness';

export const RETRY_AFTER_SECONDS = 5;

export function unavailable(message: string): StatusError {
  const status = serviceUnavailable(message);
  status.details = { retryAfterSeconds: RETRY_AFTER_SECONDS };
  return new StatusError(status);
}

export class BoundedPublisher implements Publisher {
  constructor(
    private readonly inner: Publisher,
    private readonly timeoutMs: number,
    /** Throws while the store is away (Readiness.require('store')); none: no check. */
    private readonly storeReady?: () => Promise<void>,
  ) {}

  async publish(topic: TopicName, events: readonly Envelope[], opts?: { partition?: number }): Promise<void> {
    if (this.storeReady) {
      try {
        await this.storeReady();
      } catch (err) {
        throw unavailable(`the store is unavailable, the request was not accepted: ${(err as Error).message}`);
      }
    }
    try {
      await withTimeout(this.inner.publish(topic, events, opts), this.timeoutMs, 'the event log');
    } catch (err) {
      throw unavailable(`the event log is unavailable, the request was not accepted: ${(err as Error).message}`);
    }
  }
}
