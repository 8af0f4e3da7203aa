/**
 * The pod lifecycle on a real Docker agent, driven and read with the real
 * kubectl: init containers in order (and Init:Error, Init:CrashLoopBackOff),
 * a sidecar that starts first and stops last without keeping a finished pod
 * alive, readiness, liveness and startup probes (with Unhealthy events),
 * postStart and preStop hooks (an httpGet hook calls a server of this test on
 * 127.0.0.1, so the test sees when it ran), termination messages,
 * activeDeadlineSeconds set by a live update, the downward API (env and a
 * volume that follows the pod's labels), `kubectl top` and `podctl top`, and
 * the seed's web server whose page
 * an init container pulled. All pods are applied at once up front; each
 * test then waits for its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';
import { freePort } from '../../shared/local/java-process';
import { runPodctl } from '../../bin/podctl/program';
import type { ContainerStatus, Pod } from '../../shared/pod/schema';

jest.setTimeout(240_000);

const hooks: { path: string; at: number }[] = [];
let hookPort = 0;
let hostPortNumber = 0;

const pods = () => `
apiVersion: v1
kind: Pod
metadata: {name: init-order}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: work, emptyDir: {}}]
  initContainers:
    - {name: first, image: podflow/base:1, command: [sh, -c, "sleep 1; echo first >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
    - {name: second, image: podflow/base:1, command: [sh, -c, "echo second >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
    - {name: app, image: podflow/base:1, command: [sh, -c, "echo app >> /work/order; cat /work/order; exec sleep 3600"], volumeMounts: [{name: work, mountPath: /work}]}
---
apiVersion: v1
kind: Pod
metadata: {name: init-fails}
spec:
  restartPolicy: Never
  initContainers: [{name: check, image: podflow/base:1, command: [sh, -c, "echo no config; exit 3"]}]
  containers: [{name: app, image: podflow/base:1, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: init-crashloop}
spec:
  terminationGracePeriodSeconds: 1
  initContainers: [{name: check, image: podflow/base:1, command: [sh, -c, "exit 1"]}]
  containers: [{name: app, image: podflow/base:1, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: sidecar-job}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 5
  initContainers:
    - {name: proxy, image: podflow/base:1, restartPolicy: Always, command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]}
  containers:
    - {name: job, image: podflow/base:1, command: [sh, -c, "sleep 2; echo done"]}
---
apiVersion: v1
kind: Pod
metadata: {name: probes}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: ready-on-file
      image: podflow/base:1
      command: [sleep, "3600"]
      readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}
    - name: live-on-file
      image: podflow/base:1
      command: [sh, -c, "touch /tmp/alive; exec sleep 3600"]
      livenessProbe: {exec: {command: [test, -f, /tmp/alive]}, periodSeconds: 1, failureThreshold: 2}
    - name: slow-start
      image: podflow/base:1
      command: [sleep, "3600"]
      startupProbe: {exec: {command: [test, -f, /tmp/started]}, periodSeconds: 1, failureThreshold: 600}
---
apiVersion: v1
kind: Pod
metadata: {name: slow-web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: podflow/web:1
      command: [sh, -c, "sleep 3; exec /bin/web"]
      readinessProbe: {httpGet: {port: 80, path: /}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: hooks}
spec:
  terminationGracePeriodSeconds: 10
  containers:
    - name: app
      image: podflow/base:1
      command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
      lifecycle:
        postStart: {httpGet: {host: 127.0.0.1, port: ${hookPort}, path: /post-start}}
        preStop: {httpGet: {host: 127.0.0.1, port: ${hookPort}, path: /pre-stop}}
---
apiVersion: v1
kind: Pod
metadata: {name: poststart-fails}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: podflow/base:1
      command: [sleep, "3600"]
      lifecycle: {postStart: {exec: {command: [sh, -c, "echo hook says no; exit 1"]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: messages}
spec:
  restartPolicy: Never
  containers:
    - {name: file, image: podflow/base:1, command: [sh, -c, "echo disk full > /dev/termination-log; exit 3"]}
    - {name: custom-path, image: podflow/base:1, terminationMessagePath: /tmp/why, command: [sh, -c, "echo custom reason > /tmp/why; exit 0"]}
    - {name: logs, image: podflow/base:1, terminationMessagePolicy: FallbackToLogsOnError, command: [sh, -c, "echo boom in the logs; exit 4"]}
---
apiVersion: v1
kind: Pod
metadata: {name: volumes}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: mem, emptyDir: {medium: Memory, sizeLimit: 1Mi}}, {name: disk, emptyDir: {}}]
  containers:
    - {name: writer, image: podflow/base:1, command: [sh, -c, "echo from the subPath > /sub/file; exec sleep 3600"], volumeMounts: [{name: disk, mountPath: /sub, subPath: site/a}]}
    - {name: reader, image: podflow/base:1, command: [sleep, "3600"], volumeMounts: [{name: disk, mountPath: /disk}, {name: mem, mountPath: /mem}]}
---
apiVersion: v1
kind: Pod
metadata: {name: nonroot}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: app, image: podflow/base:1, command: [sleep, "3600"], securityContext: {runAsNonRoot: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: downward, labels: {app: downward, tier: front}}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
    - name: info
      downwardAPI:
        items:
          - {path: labels, fieldRef: {fieldPath: metadata.labels}}
          - {path: limits/cpu, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
  containers:
    - name: app
      image: podflow/base:1
      command: [sleep, "3600"]
      resources: {limits: {cpu: 250m, memory: 64Mi}}
      volumeMounts: [{name: info, mountPath: /etc/podinfo}]
      env:
        - {name: MY_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: MY_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
        - {name: MY_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: MY_TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
        - {name: MY_MEMORY_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: host-port, namespace: host}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - {name: web, image: podflow/web:1, ports: [{containerPort: 80, hostPort: ${hostPortNumber}, hostIP: 127.0.0.1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: busy, labels: {top: "yes"}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: loop, image: podflow/base:1, command: [sh, -c, "while :; do :; done"], resources: {limits: {cpu: 200m, memory: 32Mi}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: idle, labels: {top: "yes"}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: sleeper, image: podflow/base:1, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: deadline}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: app, image: podflow/base:1, command: [sleep, "3600"]}]
`;

describe('the pod lifecycle on Docker, through kubectl', () => {
  const node = uniqueNodeName('lc');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pod-lifecycle-'));
  let cluster: TestCluster;
  let server: http.Server;
  const kubectl = kubectlRunner(() => cluster.kubeconfig);
  const getPod = async (name: string) => JSON.parse((await kubectl(['get', 'pod', name, '-o', 'json'])).out) as Pod;
  const row = async (name: string) => (await kubectl(['get', 'pod', name, '--no-headers'])).out.trim().split(/\s+/);
  const status = (pod: Pod, name: string): ContainerStatus | undefined =>
    [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].find((s) => s.name === name);
  const until = <T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 60_000) => eventually(check, ms, what);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hooks.push({ path: req.url ?? '', at: Date.now() });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hookPort = (server.address() as AddressInfo).port;
    hostPortNumber = await freePort();
    // Namespace "host" may use host ports (Pod Security level privileged); the others keep the cluster's default.
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000', BACKOFF_INITIAL_MS: '1000', BACKOFF_MAX_MS: '4000', STATS_INTERVAL_MS: '1000' } }], tls: true, env: { POD_SECURITY_LEVELS: 'host=privileged' } });
    await until('node Ready', async () => (await kubectl(['get', 'node', node])).out.includes(' Ready'));
    const file = path.join(dir, 'pods.yaml');
    writeFileSync(file, pods());
    const applied = await kubectl(['apply', '-f', file]);
    expect(applied).toMatchObject({ code: 0 });
    const example = await kubectl(['apply', '-f', path.join(__dirname, '../../examples/web-with-init-puller.yaml')]);
    expect(example).toMatchObject({ code: 0, out: 'pod/web-init created\n' });
  });

  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it('runs init containers one at a time, in order, before the app', async () => {
    const pod = await until('init-order Running', async () => {
      const p = await getPod('init-order');
      return p.status.phase === 'Running' && p;
    });
    expect((await kubectl(['logs', 'init-order', '-c', 'app'])).out).toBe('first\nsecond\napp\n');
    expect(pod.status.initContainerStatuses?.map((s) => [s.name, s.state.terminated?.reason, s.ready])).toEqual([
      ['first', 'Completed', true],
      ['second', 'Completed', true],
    ]);
    const secondDone = Date.parse(status(pod, 'second')!.state.terminated!.finishedAt!);
    expect(Date.parse(status(pod, 'app')!.state.running!.startedAt!)).toBeGreaterThanOrEqual(secondDone);
    expect(pod.status.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(await row('init-order')).toEqual(['init-order', '1/1', 'Running', '0', expect.any(String)]);
    const described = (await kubectl(['describe', 'pod', 'init-order'])).out;
    expect(described).toMatch(/Init Containers:\n {2}first:/);
  });

  it('fails the pod under restartPolicy Never when an init container fails, and never starts the app', async () => {
    const pod = await until('init-fails Failed', async () => {
      const p = await getPod('init-fails');
      return p.status.phase === 'Failed' && p;
    });
    expect(status(pod, 'check')?.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(status(pod, 'app')?.state.waiting?.reason).toBe('PodInitializing');
    expect((await row('init-fails'))[2]).toBe('Init:Error');
    expect(pod.status.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
  });

  it('restarts a failing init container with back-off: Init:CrashLoopBackOff', async () => {
    await until('Init:CrashLoopBackOff', async () => (await row('init-crashloop'))[2] === 'Init:CrashLoopBackOff');
    const pod = await getPod('init-crashloop');
    expect(pod.status.phase).toBe('Pending');
    expect(status(pod, 'check')!.restartCount).toBeGreaterThanOrEqual(1);
    expect(status(pod, 'app')?.state.waiting?.reason).toBe('PodInitializing');
  });

  it('starts a sidecar before the app, and stops it once the app finished: the pod succeeds', async () => {
    const pod = await until('sidecar-job Succeeded', async () => {
      const p = await getPod('sidecar-job');
      return p.status.phase === 'Succeeded' && p;
    }, 90_000);
    const proxy = status(pod, 'proxy')!;
    const job = status(pod, 'job')!;
    expect(job.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(proxy.state.terminated).toBeDefined();
    expect(Date.parse(job.state.terminated!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(proxy.state.terminated!.startedAt!));
    expect(Date.parse(proxy.state.terminated!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(job.state.terminated!.finishedAt!));
    expect(proxy.restartCount).toBe(0);
  });

  it('readiness gates Ready; liveness restarts; startup gates started, with Unhealthy events', async () => {
    await until('probes Running', async () => (await getPod('probes')).status.phase === 'Running');
    let pod = await getPod('probes');
    expect(status(pod, 'ready-on-file')?.ready).toBe(false);
    expect(status(pod, 'slow-start')).toMatchObject({ started: false, ready: false });
    expect(pod.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');

    expect(await kubectl(['exec', 'probes', '-c', 'ready-on-file', '--', 'touch', '/tmp/ready'])).toMatchObject({ code: 0 });
    expect(await kubectl(['exec', 'probes', '-c', 'slow-start', '--', 'touch', '/tmp/started'])).toMatchObject({ code: 0 });
    const waited = await kubectl(['wait', '--for=condition=Ready', 'pod/probes', '--timeout=60s']);
    expect(waited).toMatchObject({ code: 0, out: 'pod/probes condition met\n' });
    pod = await getPod('probes');
    expect(status(pod, 'slow-start')).toMatchObject({ started: true, ready: true });

    const uid = pod.metadata.uid;
    expect(await kubectl(['exec', 'probes', '-c', 'live-on-file', '--', 'rm', '/tmp/alive'])).toMatchObject({ code: 0 });
    pod = await until('live-on-file restarted', async () => {
      const p = await getPod('probes');
      return (status(p, 'live-on-file')?.restartCount ?? 0) >= 1 && status(p, 'live-on-file')?.state.running && p;
    });
    expect(pod.metadata.uid).toBe(uid);
    expect(status(pod, 'ready-on-file')?.restartCount).toBe(0);
    const events = (await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=probes'])).out;
    expect(events).toContain('Unhealthy');
    expect(events).toMatch(/Readiness probe failed: cat: can't open '\/tmp\/ready': No such file or directory/);
    expect(events).toContain('Container live-on-file failed liveness probe, will be restarted');
    expect((await kubectl(['describe', 'pod', 'probes'])).out).toMatch(/Readiness:\s+exec \[cat \/tmp\/ready\] delay=0s timeout=1s period=1s #success=1 #failure=1/);
  });

  it('keeps a server that opens its port after 3 s not Ready for those 3 s', async () => {
    const waited = await kubectl(['wait', '--for=condition=Ready', 'pod/slow-web', '--timeout=60s']);
    expect(waited).toMatchObject({ code: 0 });
    const pod = await getPod('slow-web');
    const started = Date.parse(status(pod, 'web')!.state.running!.startedAt!);
    const readyAt = Date.parse(pod.status.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime!);
    // Times are whole seconds on the wire: ready no earlier than the port opened, and within a few probe periods.
    expect(readyAt - started).toBeGreaterThanOrEqual(2_000);
    expect(readyAt - started).toBeLessThan(10_000);
  });

  it('runs postStart after the start and preStop before the stop; a failed postStart kills the container', async () => {
    await until('hooks Running', async () => (await getPod('hooks')).status.phase === 'Running');
    await until('postStart called', async () => hooks.some((h) => h.path === '/post-start'));
    const deleting = Date.now();
    expect(await kubectl(['delete', 'pod', 'hooks', '--wait=true', '--timeout=60s'])).toMatchObject({ code: 0 });
    const preStop = hooks.find((h) => h.path === '/pre-stop');
    expect(preStop?.at).toBeGreaterThanOrEqual(deleting);

    await until('FailedPostStartHook', async () => (await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=poststart-fails'])).out.includes('FailedPostStartHook'));
    const events = (await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=poststart-fails'])).out;
    expect(events).toMatch(/Exec lifecycle hook \(\["sh","-c","echo hook says no; exit 1"\]\) for Container "app" in Pod "poststart-fails_default\(.*\)" failed - error: hook says no/);
    await until('restarted after the failed hook', async () => (status(await getPod('poststart-fails'), 'app')?.restartCount ?? 0) >= 1);
  });

  it('fills terminated.message from the termination-log file or, on error, from the logs', async () => {
    const pod = await until('messages Failed', async () => {
      const p = await getPod('messages');
      return p.status.phase === 'Failed' && p;
    });
    expect(status(pod, 'file')?.state.terminated).toMatchObject({ exitCode: 3, message: 'disk full\n' });
    expect(status(pod, 'custom-path')?.state.terminated).toMatchObject({ exitCode: 0, message: 'custom reason\n' });
    expect(status(pod, 'logs')?.state.terminated).toMatchObject({ exitCode: 4, message: 'boom in the logs\n' });
  });

  it('fails a running pod with DeadlineExceeded once a live update gives it an activeDeadlineSeconds', async () => {
    await until('deadline Running', async () => (await getPod('deadline')).status.phase === 'Running');
    expect(await kubectl(['patch', 'pod', 'deadline', '--type=merge', '-p', '{"spec":{"activeDeadlineSeconds":1}}'])).toMatchObject({ code: 0 });
    const raised = await kubectl(['patch', 'pod', 'deadline', '--type=merge', '-p', '{"spec":{"activeDeadlineSeconds":100}}']);
    expect(raised.code).not.toBe(0);
    expect(raised.err).toContain('spec.activeDeadlineSeconds: Invalid value: 100: must be less than or equal to previous value');
    const pod = await until('deadline Failed', async () => {
      const p = await getPod('deadline');
      return p.status.phase === 'Failed' && p;
    });
    expect(pod.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(status(pod, 'app')?.state.terminated).toBeDefined();
  });

  it('honours subPath and medium Memory with its sizeLimit, and runAsNonRoot as CreateContainerConfigError', async () => {
    await until('volumes Running', async () => (await getPod('volumes')).status.phase === 'Running');
    expect((await kubectl(['exec', 'volumes', '-c', 'reader', '--', 'cat', '/disk/site/a/file'])).out).toBe('from the subPath\n');
    const df = (await kubectl(['exec', 'volumes', '-c', 'reader', '--', 'df', '-k', '/mem'])).out.trim().split('\n').pop()!.split(/\s+/);
    expect([df[0], df[1]]).toEqual(['tmpfs', '1024']);
    const overfill = await kubectl(['exec', 'volumes', '-c', 'reader', '--', 'dd', 'if=/dev/zero', 'of=/mem/big', 'bs=1024', 'count=2048']);
    expect(overfill.code).not.toBe(0);
    expect(overfill.err).toContain('No space left on device');

    const pod = await until('CreateContainerConfigError', async () => {
      const p = await getPod('nonroot');
      return status(p, 'app')?.state.waiting?.reason === 'CreateContainerConfigError' && p;
    });
    expect(status(pod, 'app')?.state.waiting?.message).toBe(`container has runAsNonRoot and image will run as root (pod: "nonroot_default(${pod.metadata.uid})", container: app)`);
    expect((await row('nonroot'))[2]).toBe('CreateContainerConfigError');
  });

  it('publishes a hostPort on the node', async () => {
    await until('host-port Running', async () => JSON.parse((await kubectl(['get', 'pod', 'host-port', '-n', 'host', '-o', 'json'])).out).status.phase === 'Running');
    const page = await until('page on the host port', async () => fetch(`http://127.0.0.1:${hostPortNumber}/`).then((r) => r.text(), () => undefined));
    expect(page).toContain('podflow web');
  });

  it('refuses what it would otherwise ignore, with the cause', async () => {
    const file = path.join(dir, 'host-network.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata: {name: host-network}\nspec:\n  hostNetwork: true\n  containers: [{name: app, image: podflow/base:1}]\n');
    const refused = await kubectl(['apply', '-f', file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('spec.hostNetwork: Forbidden: podflow runs every pod in its own network namespace');
  });

  it('tells a pod about itself through the downward API, and updates the volume when its labels change', async () => {
    await until('downward Running', async () => (await getPod('downward')).status.phase === 'Running');
    const pod = await getPod('downward');
    const env = (await kubectl(['exec', 'downward', '--', 'env'])).out;
    for (const line of [`MY_NAME=downward`, `MY_UID=${pod.metadata.uid}`, `MY_IP=${pod.status.podIP}`, `MY_NODE=${node}`, 'MY_TIER=front', 'MY_MEMORY_MI=64']) expect(env).toContain(`${line}\n`);
    expect((await kubectl(['exec', 'downward', '--', 'cat', '/etc/podinfo/labels'])).out).toBe('app="downward"\ntier="front"');
    expect((await kubectl(['exec', 'downward', '--', 'cat', '/etc/podinfo/limits/cpu'])).out).toBe('250');
    expect(await kubectl(['label', 'pod', 'downward', 'tier=back', '--overwrite'])).toMatchObject({ code: 0 });
    await until('labels file updated', async () => (await kubectl(['exec', 'downward', '--', 'cat', '/etc/podinfo/labels'])).out === 'app="downward"\ntier="back"');
    expect(status(await getPod('downward'), 'app')?.restartCount).toBe(0);
  });

  it('kubectl top and podctl top show usage sampled by the agent: a busy pod uses more CPU than an idle one', async () => {
    const cpuOf = (out: string, name: string) => Number(/(\d+)m/.exec(out.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[1] ?? NaN);
    const top = await until('kubectl top pod', async () => {
      const r = await kubectl(['top', 'pod', '-l', 'top=yes']);
      return r.code === 0 && cpuOf(r.out, 'busy') >= 50 && !Number.isNaN(cpuOf(r.out, 'idle')) && r.out;
    }, 90_000);
    expect(top.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    expect(cpuOf(top, 'busy')).toBeGreaterThan(cpuOf(top, 'idle'));
    expect(cpuOf(top, 'busy')).toBeLessThanOrEqual(300); // its limit is 200m
    const containers = await kubectl(['top', 'pod', 'busy', '--containers']);
    expect(containers.out).toMatch(/\nbusy\s+loop\s+\d+m\s+\d+Mi\s*\n/);
    const nodes = await kubectl(['top', 'node']);
    expect(nodes).toMatchObject({ code: 0 });
    expect(nodes.out).toMatch(new RegExp(`\\n${node}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s*\\n`));

    let out = '';
    const code = await runPodctl(['top', 'pod', '--containers', '-l', 'top=yes'], {
      io: { out: (t) => void (out += t), err: (t) => void (out += t), readStdin: () => '' },
      writeRaw: () => undefined,
      env: { KUBECONFIG: cluster.kubeconfig },
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/^NAME\s+CONTAINER\s+CPU\(cores\)\s+MEMORY\(bytes\)\nbusy\s+loop\s+\d+m\s+\d+Mi\nidle\s+sleeper\s+\d+m\s+\d+Mi\n$/);
    // kubectl describe node adds up the requests and limits of the node's pods against its allocatable.
    const described = (await kubectl(['describe', 'node', node])).out;
    expect(described).toMatch(/default\s+busy\s+200m \(\d+%\)\s+200m \(\d+%\)\s+32Mi \(\d+%\)\s+32Mi/);
    expect(described).toMatch(/Allocated resources:[\s\S]*cpu\s+[1-9]\d*m \(\d+%\)\s+[1-9]\d*m \(\d+%\)/);
    let podctlNode = '';
    expect(await runPodctl(['describe', 'node', node], { io: { out: (t) => void (podctlNode += t), err: () => undefined, readStdin: () => '' }, writeRaw: () => undefined, env: { KUBECONFIG: cluster.kubeconfig }, cwd: dir })).toBe(0);
    expect(podctlNode).toMatch(/Allocated resources:[\s\S]*Resource usage \(metrics\.k8s\.io\):\n\s+cpu\s+\d+m \(\d+%\)\n\s+memory\s+\d+\w+ \(\d+%\)/);
    expect(await kubectl(['delete', 'pod', 'busy', '--wait=false'])).toMatchObject({ code: 0 });
  });

  it('serves the page an init container pulled, Ready only once the server answers (examples/web-with-init-puller.yaml)', async () => {
    const waited = await kubectl(['wait', '--for=condition=Ready', 'pod/web-init', '--timeout=90s']);
    expect(waited).toMatchObject({ code: 0 });
    const pod = await getPod('web-init');
    expect(status(pod, 'puller')?.state.terminated?.reason).toBe('Completed');
    expect(status(pod, 'log-shipper')).toMatchObject({ ready: true, started: true });
    expect(await row('web-init')).toEqual(['web-init', '2/2', 'Running', '0', expect.any(String)]);
    const page = await fetch(`http://${pod.status.podIP}/index.html`).then((r) => r.text());
    expect(page).toContain('pulled before the server started');
    const described = (await kubectl(['describe', 'pod', 'web-init'])).out;
    expect(described).toMatch(/Readiness:\s+http-get http:\/\/:http\/index.html delay=0s timeout=1s period=2s #success=1 #failure=3/);
  });

  it('runs a manifest as a real cluster exports it: every core/v1 field parsed, each one podflow does not enforce named in a Warning kubectl prints', async () => {
    const file = path.join(dir, 'exported.yaml');
    writeFileSync(
      file,
      `
apiVersion: v1
kind: Pod
metadata: {name: exported, labels: {app: web}}
spec:
  serviceAccountName: default
  automountServiceAccountToken: false
  enableServiceLinks: true
  priority: 0
  preemptionPolicy: PreemptLowerPriority
  dnsPolicy: ClusterFirst
  schedulerName: default-scheduler
  terminationGracePeriodSeconds: 1
  securityContext: {runAsGroup: 0, fsGroup: 101, seccompProfile: {type: RuntimeDefault}}
  tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}]
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]
  containers:
  - name: web
    image: podflow/web:1
    imagePullPolicy: IfNotPresent
    ports: [{containerPort: 80, protocol: TCP, name: http}]
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    resources: {requests: {cpu: 10m, memory: 16Mi}}
`,
    );
    const applied = await kubectl(['apply', '-f', file]);
    expect(applied).toMatchObject({ code: 0, out: 'pod/exported created\n' });
    // The service account asks for no token, and priority and preemption are Kubernetes' defaults: nothing to warn about.
    expect(applied.err.split('\n').filter((l) => l.startsWith('Warning:'))).toEqual([
      'Warning: spec.topologySpreadConstraints is not enforced by podflow',
      'Warning: spec.securityContext.fsGroup is not enforced by podflow',
      'Warning: spec.securityContext.seccompProfile is not enforced by podflow',
    ]);
    expect(await kubectl(['wait', '--for=condition=Ready', 'pod/exported', '--timeout=60s'])).toMatchObject({ code: 0 });
    const pod = await getPod('exported');
    expect(pod.spec.topologySpreadConstraints).toHaveLength(1);
    expect(pod.spec.serviceAccountName).toBe('default');
  });
});
