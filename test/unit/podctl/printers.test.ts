import { NODE, POD, REPLICATION_CONTROLLER } from '../../../bin/podctl/api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';
import { nodeRoles, nodeRow, nodeStatus } from '../../../shared/display/node-row';
import { formatObjects, parseOutputFormat } from '../../../bin/podctl/printers/output';
import { podReady, podRestarts, podStatusReason } from '../../../shared/display/pod-row';
import { rcRow } from '../../../shared/display/rc-row';
import { renderRow, renderTable } from '../../../bin/podctl/printers/table';
import { NOW, aContainerStatus, aNode, aPod, anRc, running, secondsAgo } from './builders';

const asObjects = (xs: unknown[]): KubeObject[] => xs as KubeObject[];

describe('podStatusReason', () => {
  it.each([
    ['the phase when nothing overrides it', aPod({ status: { phase: 'Pending' } }), 'Pending'],
    ['Running for a running ready container', aPod({ status: { phase: 'Running', containerStatuses: [running()] } }), 'Running'],
    ['the pod reason over the phase', aPod({ status: { phase: 'Failed', reason: 'Evicted' } }), 'Evicted'],
    [
      'a waiting reason such as ContainerCreating',
      aPod({ status: { phase: 'Pending', containerStatuses: [aContainerStatus({ state: { waiting: { reason: 'ContainerCreating' } } })] } }),
      'ContainerCreating',
    ],
    [
      'CrashLoopBackOff while backing off',
      aPod({ status: { phase: 'Running', containerStatuses: [aContainerStatus({ restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } })] } }),
      'CrashLoopBackOff',
    ],
    [
      'ImagePullBackOff for a missing image',
      aPod({ status: { phase: 'Pending', containerStatuses: [aContainerStatus({ state: { waiting: { reason: 'ImagePullBackOff' } } })] } }),
      'ImagePullBackOff',
    ],
    [
      'the terminated reason such as OOMKilled',
      aPod({ status: { phase: 'Failed', containerStatuses: [aContainerStatus({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] } }),
      'OOMKilled',
    ],
    [
      'Completed for a pod that ran to success',
      aPod({ status: { phase: 'Succeeded', containerStatuses: [aContainerStatus({ state: { terminated: { exitCode: 0, reason: 'Completed' } } })] } }),
      'Completed',
    ],
    [
      'ExitCode:N when a terminated container has no reason',
      aPod({ status: { phase: 'Failed', containerStatuses: [aContainerStatus({ state: { terminated: { exitCode: 3 } } })] } }),
      'ExitCode:3',
    ],
    [
      'Signal:N when it was killed by a signal without a reason',
      aPod({ status: { phase: 'Failed', containerStatuses: [aContainerStatus({ state: { terminated: { exitCode: 137, signal: 9 } } })] } }),
      'Signal:9',
    ],
    [
      'the first container decides when several have reasons (kubectl walks them backwards)',
      aPod({
        status: {
          phase: 'Pending',
          containerStatuses: [
            aContainerStatus({ name: 'a', state: { waiting: { reason: 'ErrImagePull' } } }),
            aContainerStatus({ name: 'b', state: { waiting: { reason: 'ContainerCreating' } } }),
          ],
        },
      }),
      'ErrImagePull',
    ],
    [
      'Running when one container completed and another still runs in a ready pod',
      aPod({
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [running({ name: 'a' }), aContainerStatus({ name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } })],
        },
      }),
      'Running',
    ],
    [
      'NotReady when one container completed and another runs in a pod that is not ready',
      aPod({
        status: {
          phase: 'Running',
          containerStatuses: [running({ name: 'a' }), aContainerStatus({ name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } })],
        },
      }),
      'NotReady',
    ],
    ['Terminating once a deletion timestamp is set', aPod({ deletionTimestamp: secondsAgo(1), status: { phase: 'Running', containerStatuses: [running()] } }), 'Terminating'],
    ['the final phase, not Terminating, for a finished pod being deleted', aPod({ deletionTimestamp: secondsAgo(1), status: { phase: 'Succeeded' } }), 'Succeeded'],
    ['Unknown for a pod deleted because its node was lost', aPod({ deletionTimestamp: secondsAgo(1), status: { phase: 'Running', reason: 'NodeLost' } }), 'Unknown'],
  ])('shows %s', (_name, pod, expected) => {
    expect(podStatusReason(pod)).toBe(expected);
  });
});

describe('pod READY and RESTARTS', () => {
  it('counts ready running containers out of the spec containers', () => {
    const pod = aPod({
      spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] },
      status: { phase: 'Running', containerStatuses: [running({ name: 'a' }), aContainerStatus({ name: 'b' })] },
    });
    expect(podReady(pod)).toBe('1/2');
  });

  it.each([
    ['zero restarts as a bare number', [running()], '0'],
    [
      'the sum of restarts with the age of the latest termination',
      [
        running({ name: 'a', restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: secondsAgo(300) } } }),
        running({ name: 'b', restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: secondsAgo(45) } } }),
      ],
      '3 (45s ago)',
    ],
    ['restarts without a known finish time as a bare number', [running({ restartCount: 4 })], '4'],
  ])('prints %s', (_name, statuses, expected) => {
    expect(podRestarts(aPod({ status: { phase: 'Running', containerStatuses: statuses } }), NOW)).toBe(expected);
  });
});

describe('node rows', () => {
  it.each([
    ['Ready when the Ready condition is True', aNode(), 'Ready'],
    ['NotReady when it is False', aNode({ ready: 'False' }), 'NotReady'],
    ['NotReady when the heartbeat went stale (Ready=Unknown), as kubectl prints it', aNode({ ready: 'Unknown' }), 'NotReady'],
    ['SchedulingDisabled added for a cordoned node', aNode({ spec: { unschedulable: true } }), 'Ready,SchedulingDisabled'],
  ])('STATUS is %s', (_name, node, expected) => {
    expect(nodeStatus(node)).toBe(expected);
  });

  it('takes ROLES from node-role labels, sorted, or <none>', () => {
    const node = aNode();
    expect(nodeRoles(node)).toBe('<none>');
    node.metadata.labels = { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' };
    expect(nodeRoles(node)).toBe('control-plane,worker');
  });

  it('adds the internal IP, OS image, kernel and runtime in wide output', () => {
    expect(nodeRow(aNode(), NOW, true)).toEqual([
      'node-1', 'Ready', '<none>', '3d', 'podflow-agent/0.1.0', '10.1.0.4', 'Debian GNU/Linux 12', '6.1.0', 'docker://24.0.5',
    ]);
  });
});

describe('replication controller rows', () => {
  it('shows desired, current and ready replicas', () => {
    expect(rcRow(anRc(), NOW, false)).toEqual(['web', '3', '3', '2', '10m']);
  });
  it('adds containers, images and the selector in wide output', () => {
    expect(rcRow(anRc(), NOW, true).slice(5)).toEqual(['app', 'podflow/web:1', 'app=web']);
  });
});

describe('renderTable', () => {
  const pods = asObjects([
    aPod({ name: 'web', status: { phase: 'Running', podIP: '10.88.0.2', containerStatuses: [running()] }, spec: { nodeName: 'node-1' } as never }),
    aPod({ name: 'db-0', namespace: 'data', creationTimestamp: secondsAgo(7200) }),
  ]);

  it('aligns the pod table with three spaces like kubectl', () => {
    expect(renderTable(POD, pods, { now: NOW, wide: false, allNamespaces: false }).text).toBe(
      ['NAME   READY   STATUS    RESTARTS   AGE', 'web    1/1     Running   0          65s', 'db-0   0/1     Pending   0          120m'].join('\n'),
    );
  });

  it('puts NAMESPACE first across namespaces and IP and NODE last in wide output', () => {
    const text = renderTable(POD, pods, { now: NOW, wide: true, allNamespaces: true }).text;
    expect(text.split('\n')[0]).toBe('NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE    IP          NODE');
    expect(text.split('\n')[1]).toBe('default     web    1/1     Running   0          65s    10.88.0.2   node-1');
    expect(text.split('\n')[2]).toBe('data        db-0   0/1     Pending   0          120m   <none>      <none>');
  });

  it('does not add NAMESPACE to nodes, which are not namespaced', () => {
    expect(renderTable(NODE, asObjects([aNode()]), { now: NOW, wide: false, allNamespaces: true }).text.split('\n')[0]).toBe(
      'NAME     STATUS   ROLES    AGE   VERSION',
    );
  });

  it('lines a later watch row up under the first table, widening a column only when needed', () => {
    const { widths } = renderTable(REPLICATION_CONTROLLER, asObjects([anRc()]), { now: NOW, wide: false, allNamespaces: false });
    expect(renderRow(['web', '5', '3', '2', '10m'], widths)).toBe('web    5         3         2       10m');
    expect(renderRow(['a-much-longer-name', '5', '3', '2', '10m'], widths)).toBe('a-much-longer-name   5         3         2       10m');
  });
});

describe('output formats', () => {
  it('rejects an unknown -o value with the allowed formats', () => {
    expect(() => parseOutputFormat('xml')).toThrow('allowed formats are: json,name,wide,yaml');
  });

  it('prints one object as itself and several as a List, keys sorted', () => {
    const pod = aPod({ status: { phase: 'Running' } });
    const single = JSON.parse(formatObjects('json', [pod as unknown as KubeObject], true));
    expect(Object.keys(single)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const yaml = formatObjects('yaml', asObjects([pod, pod]), false);
    expect(yaml.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n')).toBe(true);
    expect(yaml.endsWith('kind: List\nmetadata:\n  resourceVersion: ""\n')).toBe(true);
  });
});
