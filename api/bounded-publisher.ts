/**
 * The API's publisher: a write answers within a bound even when the broker
 * hangs (a paused or partitioned broker keeps the socket open, and kafkajs
 * would retry for ~25 s). Past the bound the client gets 503 ServiceUnavailable
 * with Retry-After, as the Kubernetes API server answers when etcd is away;
 * the client retries, and a record that did reach the broker meanwhile makes
 * the retry answer AlreadyExists, never a second pod.
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
  ) {}

  async publish(topic: TopicName, events: readonly Envelope[], opts?: { partition?: number }): Promise<void> {
    try {
      await withTimeout(this.inner.publish(topic, events, opts), this.timeoutMs, 'the event log');
    } catch (err) {
      throw unavailable(`the event log is unavailable, the request was not accepted: ${(err as Error).message}`);
    }
  }
}
