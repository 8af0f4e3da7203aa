/**
 * Node-side admission and container hardening on real Docker: a node refuses
 * what it does not allow with the kubelet's exact FailedValidation event (once,
 * creating nothing); a node that allows privileged containers really runs them
 * privileged, while its other containers keep no-new-privileges and the default
 * capability set.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { TOPICS, type PodStatusReported } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import type { PodSpec } from '../../../shared/pod/schema';
import { aPod, assign, isStatusOf, TopicRecorder } from '../../helpers/agent-kafka';
import { agentSettings, cleanupNode, docker, execIn, nodeContainers, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';
import { LABELS } from '../../../agent/runtime/labels';

const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];
const MOUNT_TMPFS = ['sh', '-c', 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted'];
const RESYNC_MS = 300;
const CAP_CHOWN = 0n;
const CAP_NET_RAW = 13n;
const CAP_SYS_ADMIN = 21n;
const bit = (mask: bigint, cap: bigint) => ((mask >> cap) & 1n) === 1n;
const running = (e: PodStatusReported) => e.data.status.phase === 'Running' && e.data.status.containerStatuses!.every((c) => c.ready);
const enginePrivileged = spawnSync('docker', ['run', '--rm', '--privileged', 'podflow/base:1', 'true']).status === 0;

/** NoNewPrivs and the effective capability mask of a process in the container. */
async function flags(uid: string, container: string): Promise<{ noNewPrivs: bigint; capEff: bigint }> {
  const nodeName = (await docker.listContainers({ filters: { label: [`${LABELS.uid}=${uid}`] } }))[0].Labels[LABELS.node];
  const { output } = await execIn(nodeName, uid, container, ['grep', '-E', '^(NoNewPrivs|CapEff):', '/proc/self/status']);
  return { noNewPrivs: BigInt(/NoNewPrivs:\s+(\d)/.exec(output)![1]), capEff: BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(output)![1]}`) };
}

async function hostConfig(uid: string, container: string) {
  const [c] = await docker.listContainers({ filters: { label: [`${LABELS.uid}=${uid}`, `${LABELS.container}=${container}`] } });
  return (await docker.getContainer(c.Id).inspect()).HostConfig;
}

describe('node admission and container security on Docker', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let refusing: RunningAgent;
  let allowing: RunningAgent;
  const strictNode = testNodeName('strict');
  const privNode = testNodeName('priv');
  const namespace = `ns-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus]);
    [refusing, allowing] = await Promise.all([
      startDockerAgent(kafka, agentSettings(strictNode, { resyncIntervalMs: RESYNC_MS })),
      // Privileged runs only where the node, and the namespace's level, both allow it.
      startDockerAgent(kafka, agentSettings(privNode, { allowPrivileged: true, podSecurity: { namespaceLevels: { [namespace]: 'privileged' }, defaultLevel: 'baseline' } })),
    ]);
  });

  afterAll(async () => {
    await Promise.all([refusing?.stop(), allowing?.stop()]);
    await Promise.all([cleanupNode(strictNode), cleanupNode(privNode)]);
    await recorder?.stop();
    await broker?.stop();
  });

  it.each<[string, Partial<PodSpec>, string]>([
    [
      'privileged',
      { containers: [{ name: 'plain', image: 'podflow/base:1', command: SLEEPER }, { name: 'root', image: 'podflow/base:1', command: SLEEPER, securityContext: { privileged: true } }] },
      'spec.containers[1].securityContext.privileged: forbidden',
    ],
    ['hostpath', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], containers: [{ name: 'c', image: 'podflow/base:1', volumeMounts: [{ name: 'h', mountPath: '/h' }] }] }, 'spec.volumes[0].hostPath: forbidden'],
    // Whatever the assignment says, the node checks what the API would have: every capability, and a hostPort in a baseline namespace.
    ['all-capabilities', { containers: [{ name: 'c', image: 'podflow/base:1', command: SLEEPER, securityContext: { capabilities: { add: ['ALL'] } } }] }, 'spec.containers[0].securityContext.capabilities.add[0]: forbidden'],
    [
      'hostport',
      { containers: [{ name: 'c', image: 'podflow/base:1', command: SLEEPER, ports: [{ containerPort: 80, hostPort: 18080 }] }] },
      'spec.containers[0].ports[0].hostPort: Forbidden: violates PodSecurity "baseline": hostPort (container "c" uses hostPort 18080)',
    ],
  ])('refuses a %s pod with the exact FailedValidation event, once, leaving it Pending with no container', async (kind, spec, cause) => {
    const name = `refused-${kind}`;
    const pod = aPod({ name, namespace, spec: spec as PodSpec });
    await assign(refusing.publisher, strictNode, pod);
    const first = await recorder.waitFor(isStatusOf(pod.metadata.uid), 15_000, `${name} status`);
    expect(first.data.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'FailedValidation', message: `Error validating pod "${name}"."${namespace}" from api, ignoring: ${cause}` }),
    ]);
    // Several resyncs later: still Pending, nothing created, and the event was not repeated.
    await new Promise((r) => setTimeout(r, RESYNC_MS * 5));
    const statuses = recorder.statuses(pod.metadata.uid);
    expect(statuses.map((e) => e.data.status.phase)).toEqual(statuses.map(() => 'Pending'));
    expect(statuses.flatMap((e) => e.data.events).filter((e) => e.reason === 'FailedValidation')).toHaveLength(1);
    expect(first.data.status.containerStatuses!.map((c) => c.state.waiting?.reason)).toEqual(spec.containers!.map(() => 'CreateContainerConfigError'));
    expect(await nodeContainers(strictNode, pod.metadata.uid)).toEqual([]);
  });

  it('runs an unprivileged container with no-new-privileges and only the default capabilities: it cannot mount', async () => {
    const pod = aPod({ name: 'hardened', namespace, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'plain', image: 'podflow/base:1', command: SLEEPER }] } });
    await assign(allowing.publisher, privNode, pod);
    await recorder.waitFor(isStatusOf(pod.metadata.uid, running), 20_000, 'hardened pod running');
    const mount = await execIn(privNode, pod.metadata.uid, 'plain', MOUNT_TMPFS);
    expect(mount.exitCode).not.toBe(0);
    expect(mount.output).toMatch(/permission denied|not permitted/i);
    const status = await flags(pod.metadata.uid, 'plain');
    expect(status.noNewPrivs).toBe(1n);
    expect(bit(status.capEff, CAP_SYS_ADMIN)).toBe(false);
    expect(bit(status.capEff, CAP_NET_RAW)).toBe(false);
    expect(bit(status.capEff, CAP_CHOWN)).toBe(true);
    expect(await hostConfig(pod.metadata.uid, 'plain')).toMatchObject({ Privileged: false, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'] });
  });

  // Docker grants a privileged container every capability; an engine whose own bounding set lacks one
  // (dockerd inside a restricted container) cannot start any privileged container, with or without podflow.
  (enginePrivileged ? it : it.skip)('runs a privileged container privileged where the node allows it: it can mount a tmpfs, its neighbour cannot', async () => {
    const pod = aPod({
      name: 'privileged-ok',
      namespace,
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [
          { name: 'root', image: 'podflow/base:1', command: SLEEPER, securityContext: { privileged: true } },
          { name: 'plain', image: 'podflow/base:1', command: SLEEPER },
        ],
      },
    });
    const uid = pod.metadata.uid;
    await assign(allowing.publisher, privNode, pod);
    await recorder.waitFor(isStatusOf(uid, running), 20_000, 'privileged pod running');
    expect(await execIn(privNode, uid, 'root', MOUNT_TMPFS)).toEqual({ exitCode: 0, output: 'mounted\n' });
    expect((await execIn(privNode, uid, 'plain', MOUNT_TMPFS)).exitCode).not.toBe(0);
    const root = await flags(uid, 'root');
    expect(root.noNewPrivs).toBe(0n);
    expect(bit(root.capEff, CAP_SYS_ADMIN)).toBe(true);
    expect((await hostConfig(uid, 'root')).Privileged).toBe(true);
  });
});
