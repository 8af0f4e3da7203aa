/**
 * `podctl logs POD [-c C] [-f] [--previous] [--tail N]`: streams the container's
 * output as the API serves it. Without -c, a pod with several containers
 * defaults to the first one and says so on stderr, as kubectl does.
 */
import { POD, objectPath } from '../api/resources';
import type { Pod } from '../../../shared/display/kube-types';
import { line, type CommandContext } from './context';

export interface LogsOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tail?: string;
  timestamps?: boolean;
}

export function defaultContainer(pod: Pod): { name: string; note?: string } {
  const names = pod.spec.containers.map((c) => c.name);
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return { name: annotated };
  if (names.length === 1) return { name: names[0] };
  return { name: names[0], note: `Defaulted container "${names[0]}" out of: ${names.join(', ')}` };
}

export async function logsCommand(ctx: CommandContext, args: string[], options: LogsOptions, write: (chunk: Uint8Array) => void): Promise<number> {
  let [target, container] = args;
  if (!target) throw new Error('expected POD or TYPE/NAME is a required argument for the logs command');
  if (target.includes('/')) {
    const [type, name] = target.split('/', 2);
    if (!['pod', 'pods', 'po'].includes(type)) throw new Error(`cannot get the logs from ${type}: only pods have logs`);
    target = name;
  }
  container = options.container ?? container;
  if (!container) {
    const pod = await ctx.client.get<Pod>(objectPath(POD, ctx.namespace, target));
    const chosen = defaultContainer(pod);
    if (chosen.note) ctx.io.err(line(chosen.note));
    container = chosen.name;
  }
  const tail = options.tail !== undefined ? Number(options.tail) : -1;
  if (!Number.isInteger(tail)) throw new Error(`invalid argument "${options.tail}" for "--tail" flag`);
  const body = await ctx.client.stream(`${objectPath(POD, ctx.namespace, target)}/log`, {
    container,
    follow: options.follow ? 'true' : undefined,
    previous: options.previous ? 'true' : undefined,
    tailLines: tail >= 0 ? tail : undefined,
    timestamps: options.timestamps ? 'true' : undefined,
  });
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    write(value);
  }
  return 0;
}
