/**
 * The hollow runtime (as kubemark's hollow nodes): the same runtime port kept
 * in memory. Every image is present, a container "starts" at once and runs
 * until it is stopped (its command is not executed, so `exit 3` keeps running),
 * a stop ends it with exit code 0. It lets the control plane be tested and
 * benchmarked with many nodes on one machine; it does not pretend to isolate.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { LABELS } from './labels';
import { RuntimeError, type ContainerRuntime, type ContainerSpec, type LogOptions, type RuntimeContainer, type RuntimeVolume, type SandboxSpec } from './types';

let nextAddress = 1;

/** Pod IPs for hollow pods, unique within the process: 10.244.x.y. */
function allocateIp(): string {
  const n = nextAddress++;
  return `10.${244 + Math.floor(n / 65024) % 12}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
}

export interface HollowRuntimeOptions {
  /** Images this node pretends not to have and cannot pull (to exercise ErrImagePull). */
  missingImages?: readonly string[];
}

export class HollowRuntime implements ContainerRuntime {
  readonly kind = 'hollow' as const;
  private readonly containers = new Map<string, RuntimeContainer>();
  private readonly volumes = new Map<string, RuntimeVolume>();
  private readonly watchers = new Set<(uid: string) => void>();

  constructor(private readonly opts: HollowRuntimeOptions = {}) {}

  async prepare(): Promise<void> {}

  async version(): Promise<string> {
    return 'hollow://1';
  }

  async list(nodeName: string, podUid?: string): Promise<RuntimeContainer[]> {
    return [...this.containers.values()]
      .filter((c) => c.labels[LABELS.node] === nodeName && (!podUid || c.labels[LABELS.uid] === podUid))
      .map((c) => ({ ...c, labels: { ...c.labels } }));
  }

  async imagePresent(image: string): Promise<boolean> {
    return !this.opts.missingImages?.includes(image);
  }

  async imageUser(): Promise<string> {
    return '';
  }

  async pullImage(image: string): Promise<void> {
    if (this.opts.missingImages?.includes(image)) {
      throw new RuntimeError(`failed to pull image "${image}": hollow node has no such image`, 'ImageNotFound');
    }
  }

  async runSandbox(spec: SandboxSpec): Promise<RuntimeContainer> {
    const id = this.add(spec.name, spec.image, spec.labels);
    await this.startContainer(id);
    const c = this.containers.get(id)!;
    c.ip = allocateIp();
    return { ...c };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    return this.add(spec.name, spec.image, spec.labels);
  }

  private add(name: string, image: string, labels: Record<string, string>): string {
    if ([...this.containers.values()].some((c) => c.name === name)) throw new RuntimeError(`name ${name} is already in use`, 'Conflict');
    const id = randomBytes(32).toString('hex');
    this.containers.set(id, { id, name, labels: { ...labels }, state: 'created', image, imageId: `sha256:hollow-${image}`, createdAt: new Date().toISOString() });
    this.notify(labels);
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError(`no container ${id}`, 'NotFound');
    if (c.state === 'running') return;
    c.state = 'running';
    c.startedAt = new Date().toISOString();
    this.notify(c.labels);
  }

  async stopContainer(id: string, _graceSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.state === 'exited') return;
    c.state = 'exited';
    c.exitCode = 0;
    c.finishedAt = new Date().toISOString();
    this.notify(c.labels);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.containers.delete(id);
    this.notify(c.labels);
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    if (!this.volumes.has(name)) this.volumes.set(name, { name, labels: { ...labels } });
  }

  async removeVolume(name: string): Promise<void> {
    this.volumes.delete(name);
  }

  async listVolumes(nodeName: string): Promise<RuntimeVolume[]> {
    return [...this.volumes.values()].filter((v) => v.labels[LABELS.node] === nodeName);
  }

  async logs(id: string, _opts: LogOptions): Promise<Readable> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError(`no container ${id}`, 'NotFound');
    return Readable.from([`hollow container ${c.labels[LABELS.container] ?? c.name} started at ${c.startedAt ?? 'never'}\n`]);
  }

  watch(listener: (podUid: string) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private notify(labels: Record<string, string>): void {
    const uid = labels[LABELS.uid];
    if (!uid) return;
    setImmediate(() => {
      for (const w of this.watchers) w(uid);
    });
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }
}
