/**
 * The API's Prometheus metrics on a registry of its own (shared by its HTTP
 * and HTTPS listeners): requests and their latency by Kubernetes verb,
 * resource and code, and the watches open now.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS, newRegistry } from '../shared/metrics/registry';
import type { RequestLabels } from './request-labels';

export class ApiMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'verb' | 'resource' | 'code'>;
  private readonly duration: Histogram<'verb' | 'resource'>;
  private readonly watches: Gauge<'resource'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    this.registry = newRegistry(opts);
    const registers = [this.registry];
    this.requests = new Counter({ name: 'podflow_api_requests_total', help: 'API requests answered, by Kubernetes verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'code'], registers });
    this.duration = new Histogram({
      name: 'podflow_api_request_duration_seconds',
      help: 'API request latency by verb and resource (a watch: how long it stayed open).',
      labelNames: ['verb', 'resource'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.watches = new Gauge({ name: 'podflow_api_open_watches', help: 'Watch streams open now, by resource.', labelNames: ['resource'], registers });
    for (const resource of ['pods', 'nodes', 'replicationcontrollers', 'configmaps', 'secrets']) this.watches.set({ resource }, 0);
  }

  answered(labels: RequestLabels, code: number, seconds: number): void {
    this.requests.inc({ ...labels, code: String(code) });
    this.duration.observe(labels, seconds);
  }

  watchOpened(resource: string): void {
    this.watches.inc({ resource });
  }

  watchClosed(resource: string): void {
    this.watches.dec({ resource });
  }
}
