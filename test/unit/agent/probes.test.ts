/**
 * The probe state machine (thresholds, startup gating) as tables, and the
 * handlers against real sockets on 127.0.0.1 (an HTTP server, a closed port).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container, Probe } from '../../../shared/pod/schema';
import { activeProbes, applyResult, containerHealth, initialState, type ProbeKind, type ProbeState } from '../../../agent/probes/health';
import { resolvePort, runHandler } from '../../../agent/probes/handlers';

const probe: Probe = { exec: { command: ['true'] }, successThreshold: 1, failureThreshold: 3 };

function run(kind: ProbeKind, results: boolean[], p: Probe = probe): ProbeState {
  return results.reduce((s, ok) => applyResult(kind, p, s, ok, ok ? undefined : 'boom'), initialState(kind));
}

describe('probe thresholds', () => {
  it.each<[ProbeKind, boolean[], boolean]>([
    ['readiness', [], false],
    ['readiness', [true], true],
    ['readiness', [true, false, false], true],
    ['readiness', [true, false, false, false], false],
    ['liveness', [], true],
    ['liveness', [false, false], true],
    ['liveness', [false, false, false], false],
    ['liveness', [false, false, true, false, false], true],
    ['startup', [false, false, false], false],
    ['startup', [false, true], true],
  ])('%s after %j is ok=%s', (kind, results, ok) => {
    expect(run(kind, results).ok).toBe(ok);
  });

  it('readiness needs successThreshold successes in a row', () => {
    const p = { ...probe, successThreshold: 2 };
    expect(run('readiness', [true], p).ok).toBe(false);
    expect(run('readiness', [true, true], p).ok).toBe(true);
  });
});

describe('container health', () => {
  const spec: Container = { name: 'web', image: 'i', startupProbe: probe, livenessProbe: probe, readinessProbe: probe };
  it('runs only the startup probe until it passes', () => {
    expect(activeProbes(spec, undefined)).toEqual(['startup']);
    expect(activeProbes(spec, { startup: run('startup', [true]) })).toEqual(['liveness', 'readiness']);
  });
  it('is neither started nor ready before startup passes', () => {
    expect(containerHealth(spec, undefined)).toEqual({ started: false, ready: false });
    expect(containerHealth(spec, { startup: run('startup', [true]), readiness: run('readiness', [true]) })).toEqual({ started: true, ready: true });
  });
  it('asks for a restart after a failed startup or liveness probe', () => {
    expect(containerHealth(spec, { startup: run('startup', [false, false, false]) }).restart?.kind).toBe('startup');
    expect(containerHealth(spec, { startup: run('startup', [true]), liveness: run('liveness', [false, false, false]) }).restart?.kind).toBe('liveness');
  });
  it('without probes: started and ready while running', () => {
    expect(containerHealth({ name: 'a', image: 'i' }, undefined)).toEqual({ started: true, ready: true });
  });
});

describe('probe handlers on real sockets', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 500;
      res.end(req.headers['x-probe'] ?? 'body');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const spec: Container = { name: 'web', image: 'i', ports: [{ name: 'http', containerPort: 8080 }] };
  const target = { containerId: 'x', podIP: '127.0.0.1', spec };

  it('httpGet: 2xx passes, 500 fails with kubelet words', async () => {
    await expect(runHandler({ httpGet: { port, path: '/healthz' } }, target, 1000, {})).resolves.toMatchObject({ ok: true });
    await expect(runHandler({ httpGet: { port, path: '/broken' } }, target, 1000, {})).resolves.toEqual({ ok: false, output: 'HTTP probe failed with statuscode: 500' });
  });

  it('tcpSocket: an open port passes, a closed one fails as "connection refused"', async () => {
    await expect(runHandler({ tcpSocket: { port } }, target, 1000, {})).resolves.toMatchObject({ ok: true });
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await expect(runHandler({ tcpSocket: { port: closed } }, target, 1000, {})).resolves.toEqual({ ok: false, output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });

  it('exec without a process runtime answers a clear failure', async () => {
    await expect(runHandler({ exec: { command: ['true'] } }, target, 1000, {})).resolves.toMatchObject({ ok: false, output: expect.stringContaining('exec handlers cannot run') });
  });

  it('named ports resolve from the container ports', () => {
    expect(resolvePort('http', spec)).toBe(8080);
    expect(resolvePort(81, spec)).toBe(81);
    expect(resolvePort('nope', spec)).toBeUndefined();
  });
});
