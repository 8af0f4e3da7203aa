/**
 * A ContainerRuntime that times every call it passes on (to Docker, or to the
 * hollow runtime): the agent's runtime-call latency by call, measured at the
 * port, so neither the adapter nor the sync code counts anything.
 */
import { stopwatch } from '../../shared/metrics/stopwatch';
import type { ContainerRuntime } from './types';

export type RuntimeCallObserver = (call: string, seconds: number) => void;

export function instrumentRuntime(runtime: ContainerRuntime, observe: RuntimeCallObserver): ContainerRuntime {
  const timed = async <T>(call: string, run: () => Promise<T>): Promise<T> => {
    const elapsed = stopwatch();
    try {
      return await run();
    } finally {
      observe(call, elapsed());
    }
  };
  return {
    kind: runtime.kind,
    prepare: () => timed('prepare', () => runtime.prepare()),
    version: () => timed('version', () => runtime.version()),
    list: (nodeName, podUid) => timed('list', () => runtime.list(nodeName, podUid)),
    imagePresent: (image) => timed('imagePresent', () => runtime.imagePresent(image)),
    imageUser: (image) => timed('imageUser', () => runtime.imageUser(image)),
    pullImage: (image, auth) => timed('pullImage', () => runtime.pullImage(image, auth)),
    runSandbox: (spec) => timed('runSandbox', () => runtime.runSandbox(spec)),
    createContainer: (spec) => timed('createContainer', () => runtime.createContainer(spec)),
    startContainer: (id) => timed('startContainer', () => runtime.startContainer(id)),
    stopContainer: (id, graceSeconds) => timed('stopContainer', () => runtime.stopContainer(id, graceSeconds)),
    removeContainer: (id) => timed('removeContainer', () => runtime.removeContainer(id)),
    ensureVolume: (name, labels, opts) => timed('ensureVolume', () => runtime.ensureVolume(name, labels, opts)),
    removeVolume: (name) => timed('removeVolume', () => runtime.removeVolume(name)),
    listVolumes: (nodeName) => timed('listVolumes', () => runtime.listVolumes(nodeName)),
    logs: (id, opts) => timed('logs', () => runtime.logs(id, opts)),
    watch: (listener) => runtime.watch(listener),
    close: () => runtime.close(),
  };
}
