import { describeEvents, eventsFor } from '../../../bin/podctl/describe/events';
import { describeNode, nonTerminatedPodsOn } from '../../../bin/podctl/describe/node';
import { describePod, qosClass } from '../../../bin/podctl/describe/pod';
import { describeReplicationController, podPhaseCounts } from '../../../bin/podctl/describe/rc';
import { PrefixWriter } from '../../../bin/podctl/describe/writer';
import { NOW, aNode, aPod, anEvent, anRc, running, secondsAgo } from './builders';

const richPod = aPod({
  labels: { app: 'web', tier: 'front' },
  ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'rc', controller: true }],
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'app',
        image: 'podflow/web:1',
        command: ['sh', '-c', 'httpd -f'],
        ports: [{ containerPort: 80 }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
      },
    ],
    volumes: [{ name: 'cache', emptyDir: {} }],
  },
  status: {
    phase: 'Running',
    hostIP: '10.1.0.4',
    podIP: '10.88.0.7',
    startTime: secondsAgo(60),
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }],
    containerStatuses: [
      running({ containerID: 'docker://abc', restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: secondsAgo(90), finishedAt: secondsAgo(70) } } }),
    ],
  },
});

describe('describePod', () => {
  it('prints a pending pod with nothing set the way kubectl does', () => {
    expect(describePod(aPod(), [], NOW)).toBe(
      [
        'Name:         web',
        'Namespace:    default',
        'Node:         <none>',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Status:       Pending',
        'IP:           ',
        'IPs:          <none>',
        'Containers:',
        '  app:',
        '    Image:        podflow/web:1',
        '    Port:         <none>',
        '    Host Port:    <none>',
        '    Environment:  <none>',
        '    Mounts:       <none>',
        'Volumes:          <none>',
        'QoS Class:        BestEffort',
        'Node-Selectors:   <none>',
        'Tolerations:      <none>',
        'Events:           <none>',
        '',
      ].join('\n'),
    );
  });

  it('shows placement, labels on several lines, IPs and the controlling replication controller', () => {
    const text = describePod(richPod, undefined, NOW);
    expect(text).toContain('Node:         node-1/10.1.0.4\nStart Time:   Wed, 01 May 2024 11:59:00 +0000\nLabels:       app=web\n              tier=front\n');
    expect(text).toContain('IPs:\n  IP:           10.88.0.7\nControlled By:  ReplicationController/web\n');
  });

  it('shows the command, current and last state, restart count, limits, requests and mounts of a container', () => {
    const text = describePod(richPod, undefined, NOW);
    expect(text).toContain('    Command:\n      sh\n      -c\n      httpd -f\n');
    expect(text).toContain(
      [
        '    State:          Running',
        '      Started:      Wed, 01 May 2024 11:59:00 +0000',
        '    Last State:     Terminated',
        '      Reason:       Error',
        '      Exit Code:    1',
        '      Started:      Wed, 01 May 2024 11:58:30 +0000',
        '      Finished:     Wed, 01 May 2024 11:58:50 +0000',
        '    Ready:          True',
        '    Restart Count:  1',
        '    Limits:',
        '      cpu:     500m',
        '      memory:  128Mi',
        '    Requests:',
        '      cpu:        250m',
        '      memory:     64Mi',
      ].join('\n'),
    );
    expect(text).toContain('    Mounts:\n      /cache from cache (rw)\n');
  });

  it('shows conditions, an emptyDir volume aligned with the QoS class below it, as kubectl does', () => {
    const text = describePod(richPod, undefined, NOW);
    expect(text).toContain('Conditions:\n  Type           Status\n  PodScheduled   True \n  Ready          True \n');
    expect(text).toContain("    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:      \n    SizeLimit:   <unset>\n");
    expect(text).toContain('QoS Class:       Burstable\n');
  });

  it('shows a pod being deleted as Terminating with its grace period', () => {
    const pod = aPod({ deletionTimestamp: new Date(NOW.getTime() + 25000).toISOString(), deletionGracePeriodSeconds: 30, status: { phase: 'Running' } });
    expect(describePod(pod, undefined, NOW)).toContain('Status:                    Terminating (lasts 25s)\nTermination Grace Period:  30s\n');
  });

  it.each([
    ['BestEffort without requests or limits', [{ name: 'a', image: 'x' }], 'BestEffort'],
    ['Guaranteed when cpu and memory limits are set and requests equal them', [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed'],
    ['Burstable when requests are below limits', [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } } }], 'Burstable'],
  ])('QoS class is %s', (_name, containers, expected) => {
    expect(qosClass(aPod({ spec: { containers } }))).toBe(expected);
  });
});

describe('events table', () => {
  const render = (events: ReturnType<typeof anEvent>[]): string => {
    const w = new PrefixWriter();
    describeEvents(events, w, NOW);
    return w.toString();
  };

  it('lists events oldest first, a repeated one as "age (xN over first)"', () => {
    const backOff = anEvent({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container ', source: { component: 'agent', host: 'node-1' }, count: 3, firstTimestamp: secondsAgo(200), lastTimestamp: secondsAgo(10) });
    expect(render([backOff, anEvent()])).toBe(
      [
        'Events:',
        '  Type     Reason     Age                  From       Message',
        '  ----     ------     ----                 ----       -------',
        '  Normal   Scheduled  30s                  scheduler  Successfully assigned default/web to node-1',
        '  Warning  BackOff    10s (x3 over 3m20s)  agent      Back-off restarting failed container',
        '',
      ].join('\n'),
    );
  });

  it('prints <none> without events', () => {
    expect(render([])).toBe('Events:  <none>\n');
  });

  it('keeps only events about the described kind when a pod and an rc share a name', () => {
    const rcEvent = anEvent({ reason: 'SuccessfulCreate', involvedObject: { kind: 'ReplicationController', name: 'web' } });
    expect(eventsFor([anEvent(), rcEvent], 'ReplicationController')).toEqual([rcEvent]);
  });
});

describe('describeNode', () => {
  it('lists the non-terminated pods bound to the node and what they take of it', () => {
    const done = aPod({ name: 'done', spec: { nodeName: 'node-1' } as never, status: { phase: 'Succeeded' } });
    const elsewhere = aPod({ name: 'other', spec: { nodeName: 'node-2' } as never });
    expect(nonTerminatedPodsOn('node-1', [richPod, done, elsewhere]).map((p) => p.metadata.name)).toEqual(['web']);
    const text = describeNode(aNode(), [richPod, done, elsewhere], [], NOW);
    expect(text).toContain('Non-terminated Pods:          (1 in total)\n');
    expect(text).toContain('  default                     web     250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)     65s\n');
    expect(text).toContain('  cpu       250m (6%)  500m (12%)\n  memory    64Mi (0%)  128Mi (1%)\n');
  });

  it('shows the Ready condition with its heartbeat and the system info', () => {
    const text = describeNode(aNode(), undefined, undefined, NOW);
    expect(text).toContain('  Ready   True    Wed, 01 May 2024 11:59:55 +0000   Wed, 01 May 2024 11:00:00 +0000   AgentReady   \n');
    expect(text).toContain('  Container Runtime Version:  docker://24.0.5\n');
  });
});

describe('describeReplicationController', () => {
  it('counts the phases of the pods its selector matches', () => {
    const pods = [
      aPod({ name: 'a', labels: { app: 'web' }, status: { phase: 'Running' } }),
      aPod({ name: 'b', labels: { app: 'web' }, status: { phase: 'Pending' } }),
      aPod({ name: 'c', labels: { app: 'db' }, status: { phase: 'Running' } }),
      aPod({ name: 'd', labels: { app: 'web' }, namespace: 'other', status: { phase: 'Running' } }),
    ];
    expect(podPhaseCounts(anRc(), pods)).toEqual({ running: 1, waiting: 1, succeeded: 0, failed: 0 });
  });

  it('prints replicas, pod status and the pod template like kubectl', () => {
    expect(describeReplicationController(anRc(), [], undefined, NOW)).toBe(
      [
        'Name:         web',
        'Namespace:    default',
        'Selector:     app=web',
        'Labels:       app=web',
        'Annotations:  <none>',
        'Replicas:     3 current / 3 desired',
        'Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed',
        'Pod Template:',
        '  Labels:  app=web',
        '  Containers:',
        '   app:',
        '    Image:        podflow/web:1',
        '    Port:         80/TCP',
        '    Host Port:    0/TCP',
        '    Environment:  <none>',
        '    Mounts:       <none>',
        '  Volumes:        <none>',
        '',
      ].join('\n'),
    );
  });
});
