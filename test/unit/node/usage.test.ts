/** Usage from counter samples, in metrics-server's units, and kubectl top's tables. */
import { cpuQuantity, memoryQuantity, procStatCpu, usageBetween, workingSet } from '../../../shared/node/usage';
import { mebi, milli, nodeTopTable, podTopTable } from '../../../bin/podctl/commands/top';

describe('usage from two samples', () => {
  it.each<[string, Parameters<typeof usageBetween>[0], Parameters<typeof usageBetween>[1], number | null]>([
    ['no older sample', undefined, { cpuNs: 5e9, memoryBytes: 1, at: 10_000 }, null],
    ['half a core over 2 s', { cpuNs: 1e9, memoryBytes: 1, at: 10_000 }, { cpuNs: 2e9, memoryBytes: 1, at: 12_000 }, 5e8],
    ['idle', { cpuNs: 1e9, memoryBytes: 1, at: 10_000 }, { cpuNs: 1e9, memoryBytes: 1, at: 25_000 }, 0],
    ['a counter that went back (restart)', { cpuNs: 9e9, memoryBytes: 1, at: 10_000 }, { cpuNs: 1e9, memoryBytes: 1, at: 12_000 }, null],
  ])('%s', (_name, older, newer, nanoCores) => {
    expect(usageBetween(older, newer)?.cpuNanoCores ?? null).toBe(nanoCores);
  });

  it('words quantities as metrics-server does', () => {
    expect(cpuQuantity(123456.7)).toBe('123457n');
    expect(memoryQuantity(5 * 1024 * 1024)).toBe('5120Ki');
  });

  it('takes the working set without inactive file pages (cgroup v1 and v2)', () => {
    expect(workingSet({ usage: 100, stats: { inactive_file: 30 } })).toBe(70);
    expect(workingSet({ usage: 100, stats: { total_inactive_file: 40 } })).toBe(60);
    expect(workingSet(undefined)).toBe(0);
  });

  it('reads busy and total jiffies from /proc/stat', () => {
    expect(procStatCpu('cpu  10 0 5 80 5 0 0 0 0 0\ncpu0 1 2 3 4\n')).toEqual({ busy: 15, total: 100 });
  });
});

describe('kubectl top tables', () => {
  it('prints pods in millicores and MiB, summed or per container', () => {
    const items = [{ metadata: { name: 'web', namespace: 'default' }, containers: [{ name: 'a', usage: { cpu: '250000000n', memory: '10240Ki' } }, { name: 'b', usage: { cpu: '1500000n', memory: '2048Ki' } }] }];
    expect(podTopTable(items, {})).toBe('NAME   CPU(cores)   MEMORY(bytes)\nweb    252m         12Mi\n');
    expect(podTopTable(items, { containers: true })).toBe('NAME   CONTAINER   CPU(cores)   MEMORY(bytes)\nweb    a           250m         10Mi\nweb    b           2m           2Mi\n');
  });
  it('prints nodes with percentages of allocatable', () => {
    const table = nodeTopTable([{ metadata: { name: 'n1' }, usage: { cpu: '500000000n', memory: '1048576Ki' } }], [{ metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } } as never]);
    expect(table).toBe('NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\nn1     500m         25%      1024Mi          25%\n');
    expect([milli('1'), mebi('1Gi')]).toEqual(['1000m', '1024Mi']);
  });
});
