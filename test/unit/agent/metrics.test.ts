import { AgentMetrics } from '../../../agent/metrics';
import type { PodStatus } from '../../../shared/pod/schema';

const status = (phase: PodStatus['phase'], restarts: number[]): PodStatus => ({
  phase,
  containerStatuses: restarts.map((restartCount, i) => ({ name: `c${i}`, state: { running: {} }, ready: true, restartCount, image: 'img' })),
});

async function values(m: AgentMetrics, name: string): Promise<Record<string, number>> {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return Object.fromEntries((metric?.values ?? []).map((v) => [JSON.stringify(v.labels), v.value]));
}

describe('agent metrics', () => {
  it('counts pods by the phase of their last pass and forgets ended ones', async () => {
    const m = new AgentMetrics();
    m.synced('u1', status('Running', [0]), 0.01);
    m.synced('u2', status('Pending', [0]), 0.01);
    m.synced('u2', status('Running', [0]), 0.01);
    m.synced('u3', status('Failed', [0]), 0.01);
    m.ended('u3');

    expect(await values(m, 'podflow_agent_pods')).toMatchObject({ '{"phase":"Running"}': 2, '{"phase":"Pending"}': 0, '{"phase":"Failed"}': 0 });
  });

  it('counts the restarts a pass adds, not those an earlier agent process already saw', async () => {
    const m = new AgentMetrics();
    m.synced('u1', status('Running', [5, 1]), 0.01); // first look after an agent restart: the baseline
    m.synced('u1', status('Running', [6, 1]), 0.01);
    m.synced('u1', status('Running', [6, 3]), 0.01);
    m.synced('u2', status('Running', [0]), 0.01);
    m.synced('u2', status('Running', [1]), 0.01);

    expect(await values(m, 'podflow_agent_container_restarts_total')).toEqual({ '{}': 4 });
  });

  it('reports the heartbeat age from the last heartbeat the broker took', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const m = new AgentMetrics({ now: () => now });
    expect(await values(m, 'podflow_agent_heartbeat_age_seconds')).toEqual({ '{}': -1 });
    m.heartbeatSent(new Date(now));
    now += 2500;
    expect(await values(m, 'podflow_agent_heartbeat_age_seconds')).toEqual({ '{}': 2.5 });
  });
});
