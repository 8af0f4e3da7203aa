/**
 * The container runtime on Docker Engine (dockerode): a sandbox container per
 * pod on podflow's own bridge network holds the pod's net, IPC and UTS
 * namespaces; app containers join it. Containers are found again by label, so
 * a restarted agent sees exactly what its predecessor left running. Inspect
 * results of settled containers are cached per (id, state) to keep a sync pass
 * to one list call.
 */
import Docker from 'dockerode';
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { RegistryAuth } from '../images/pull-secrets';
import { LABELS } from './labels';
import { demuxDockerStream } from './log-stream';
import { hostConfigLimits, logRotation, KUBELET_LIKE_DEFAULTS, type NodeContainerDefaults } from './node-defaults';
import { RuntimeError, type ContainerRuntime, type ContainerSpec, type LogOptions, type RuntimeContainer, type RuntimeState, type RuntimeVolume, type SandboxSpec, type VolumeOptions } from './types';

export interface DockerRuntimeOptions {
  docker?: Docker;
  network: string;
  onError?: (err: unknown, what: string) => void;
  /** Pids limit, default memory and log rotation for containers that set none (node-defaults.ts). */
  defaults?: NodeContainerDefaults;
}

const ZERO_TIME = /^0001-01-01/;

function time(value: string | undefined): string | undefined {
  if (!value || ZERO_TIME.test(value)) return undefined;
  const parsed = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

function stateOf(docker: string): RuntimeState {
  switch (docker) {
    case 'created':
    case 'running':
    case 'exited':
      return docker;
    default:
      return 'unknown';
  }
}

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number })?.statusCode;
}

function message(err: unknown): string {
  const json = (err as { json?: { message?: string } })?.json;
  return json?.message ?? (err as Error)?.message ?? String(err);
}

export class DockerRuntime implements ContainerRuntime {
  readonly kind = 'docker' as const;
  private readonly docker: Docker;
  private readonly inspected = new Map<string, RuntimeContainer>();
  private watchers = new Set<(uid: string) => void>();
  private events: Readable | null = null;
  private closed = false;

  constructor(private readonly opts: DockerRuntimeOptions) {
    this.docker = opts.docker ?? new Docker();
  }

  async prepare(): Promise<void> {
    const existing = await this.docker.listNetworks({ filters: { name: [this.opts.network] } });
    if (existing.some((n) => n.Name === this.opts.network)) return;
    try {
      await this.docker.createNetwork({ Name: this.opts.network, Driver: 'bridge', CheckDuplicate: true, Labels: { [LABELS.managed]: 'true' } });
    } catch (err) {
      if (statusCode(err) !== 409) throw err;
    }
  }

  async version(): Promise<string> {
    const v = await this.docker.version();
    return `docker://${v.Version}`;
  }

  async list(nodeName: string, podUid?: string): Promise<RuntimeContainer[]> {
    const label = [`${LABELS.node}=${nodeName}`];
    if (podUid) label.push(`${LABELS.uid}=${podUid}`);
    const summaries = await this.docker.listContainers({ all: true, filters: { label } });
    const out = await Promise.all(
      summaries.map(async (s) => {
        const state = stateOf(s.State);
        const key = `${s.Id}:${state}`;
        const cached = this.inspected.get(key);
        if (cached) return cached;
        const container = await this.inspect(s.Id);
        if (container && (container.state === 'exited' || container.state === 'running')) this.inspected.set(key, container);
        return container;
      }),
    );
    if (!podUid && this.inspected.size > 4096) this.inspected.clear();
    return out.filter((c): c is RuntimeContainer => c !== null);
  }

  private async inspect(id: string): Promise<RuntimeContainer | null> {
    try {
      const info = await this.docker.getContainer(id).inspect();
      const net = info.NetworkSettings?.Networks?.[this.opts.network];
      const c: RuntimeContainer = {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        labels: info.Config.Labels ?? {},
        state: stateOf(info.State.Status),
        image: info.Config.Image,
        imageId: info.Image,
        createdAt: time(info.Created) ?? new Date(0).toISOString(),
      };
      const startedAt = time(info.State.StartedAt);
      const finishedAt = time(info.State.FinishedAt);
      if (startedAt) c.startedAt = startedAt;
      // A start that failed (executable not found ...) leaves Docker's state at "created" with an error: it ran and
      // failed, as the kubelet sees a StartError, so it is restarted under the restart policy, with back-off.
      if (c.state === 'created' && info.State.Error) c.state = 'exited';
      if (c.state === 'exited') {
        c.exitCode = info.State.ExitCode;
        c.oomKilled = info.State.OOMKilled;
        if (finishedAt) c.finishedAt = finishedAt;
        if (info.State.Error) c.error = info.State.Error;
      }
      if (net?.IPAddress) c.ip = net.IPAddress;
      return c;
    } catch (err) {
      if (statusCode(err) === 404) return null;
      throw err;
    }
  }

  async imagePresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  async imageUser(image: string): Promise<string> {
    const info = await this.docker.getImage(image).inspect();
    return info.Config?.User ?? '';
  }

  async pullImage(image: string, auth?: RegistryAuth): Promise<void> {
    const ref = /:[^/]+$|@/.test(image) ? image : `${image}:latest`;
    try {
      const stream = await this.docker.pull(ref, auth ? { authconfig: auth } : {});
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
          const failed = err ?? output.find((o) => o.error)?.error;
          if (failed) reject(failed instanceof Error ? failed : new Error(failed));
          else resolve();
        });
      });
    } catch (err) {
      // The engine's own words, as the kubelet passes them on ("Failed to pull image X: Error response from daemon: ..."), without docker-modem's HTTP prefix.
      throw new RuntimeError(`Error response from daemon: ${message(err).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim()}`, 'ImageNotFound', { cause: err });
    }
  }

  async runSandbox(spec: SandboxSpec): Promise<RuntimeContainer> {
    const container = await this.create({
      name: spec.name,
      Image: spec.image,
      Hostname: spec.hostname,
      Labels: spec.labels,
      ExposedPorts: Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/${p.protocol.toLowerCase()}`, {}])),
      HostConfig: {
        NetworkMode: this.opts.network,
        IpcMode: 'shareable',
        LogConfig: { Type: 'json-file', Config: logRotation(this.opts.defaults ?? KUBELET_LIKE_DEFAULTS) },
        PortBindings: Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/${p.protocol.toLowerCase()}`, [{ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) }]])),
      },
    });
    await this.startContainer(container);
    const running = await this.inspect(container);
    if (!running || running.state !== 'running' || !running.ip) {
      throw new RuntimeError(`sandbox ${spec.name} did not come up with an IP`, 'StartFailed');
    }
    return running;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const binds = spec.mounts.filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`);
    // Docker 20.10 mounts only a volume's root: a subPath is a bind of a directory inside the volume's data.
    for (const m of spec.mounts.filter((x) => x.type === 'volume' && x.subPath)) binds.push(`${await this.volumeSubPath(m.source, m.subPath!)}:${m.target}${m.readOnly ? ':ro' : ''}`);
    const mounts = spec.mounts
      .filter((m) => m.type === 'volume' && !m.subPath)
      .map((m) => ({ Type: 'volume' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly }));
    return this.create({
      name: spec.name,
      Image: spec.image,
      Entrypoint: spec.entrypoint,
      Cmd: spec.cmd,
      Env: spec.env,
      WorkingDir: spec.workingDir,
      User: spec.user,
      Labels: spec.labels,
      Tty: spec.tty,
      OpenStdin: spec.stdin,
      HostConfig: {
        NetworkMode: `container:${spec.sandboxId}`,
        IpcMode: `container:${spec.sandboxId}`,
        Binds: binds,
        Mounts: mounts,
        NanoCpus: spec.nanoCpus,
        Privileged: spec.privileged,
        ReadonlyRootfs: spec.readOnlyRootfs,
        CapAdd: spec.capAdd,
        CapDrop: spec.capDrop,
        SecurityOpt: spec.securityOpt,
        ...hostConfigLimits(spec, this.opts.defaults),
      },
    });
  }

  private async create(options: Docker.ContainerCreateOptions): Promise<string> {
    try {
      const c = await this.docker.createContainer(options);
      return c.id;
    } catch (err) {
      const code = statusCode(err);
      const kind = code === 409 ? 'Conflict' : code === 404 ? 'ImageNotFound' : 'Other';
      throw new RuntimeError(`creating ${options.name}: ${message(err)}`, kind, { cause: err });
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusCode(err) === 304) return;
      throw new RuntimeError(`starting ${id.slice(0, 12)}: ${message(err)}`, statusCode(err) === 404 ? 'NotFound' : 'StartFailed', { cause: err });
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSeconds });
    } catch (err) {
      if (statusCode(err) === 304 || statusCode(err) === 404) return;
      throw err;
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (err) {
      if (statusCode(err) === 404 || (statusCode(err) === 409 && /in progress/.test(message(err)))) return;
      throw err;
    }
  }

  async ensureVolume(name: string, labels: Record<string, string>, opts: VolumeOptions = {}): Promise<void> {
    const DriverOpts = opts.memory ? { type: 'tmpfs', device: 'tmpfs', ...(opts.memory.sizeBytes ? { o: `size=${opts.memory.sizeBytes}` } : {}) } : undefined;
    await this.docker.createVolume({ Name: name, Labels: labels, ...(DriverOpts ? { DriverOpts } : {}) });
  }

  /**
   * The host directory for `subPath` inside a volume, created if missing. A path that resolves outside the
   * volume (a symlink a container planted) is refused: a subPath must never reach the host's files.
   */
  private async volumeSubPath(volume: string, subPath: string): Promise<string> {
    const info = await this.docker.getVolume(volume).inspect();
    const root = await realpath(info.Mountpoint);
    const wanted = path.join(root, subPath);
    await mkdir(wanted, { recursive: true });
    const real = await realpath(wanted);
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) throw new RuntimeError(`subPath "${subPath}" of volume ${volume} resolves outside the volume`, 'Config');
    return real;
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if (statusCode(err) === 404) return;
      throw err;
    }
  }

  async listVolumes(nodeName: string): Promise<RuntimeVolume[]> {
    const res = await this.docker.listVolumes({ filters: { label: [`${LABELS.node}=${nodeName}`] } });
    return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async logs(id: string, opts: LogOptions): Promise<Readable> {
    const container = this.docker.getContainer(id);
    const info = await container.inspect();
    const base = { stdout: true, stderr: true, ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}) };
    if (opts.follow) {
      const raw = (await container.logs({ ...base, follow: true })) as unknown as Readable;
      return info.Config.Tty ? raw : demuxDockerStream(raw);
    }
    // dockerode buffers a non-following read whole; dial it as a stream so a large log is never held in memory.
    const source = await new Promise<Readable>((resolve, reject) => {
      this.docker.modem.dial(
        { path: `/containers/${id}/logs?`, method: 'GET', options: { ...base, follow: false }, isStream: true, statusCodes: { 200: true, 404: 'no such container', 500: 'server error' } },
        (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as Readable)),
      );
    });
    return info.Config.Tty ? source : demuxDockerStream(source);
  }

  watch(listener: (podUid: string) => void): () => void {
    this.watchers.add(listener);
    if (!this.events) void this.follow();
    return () => this.watchers.delete(listener);
  }

  private async follow(): Promise<void> {
    for (let attempt = 0; !this.closed && this.watchers.size > 0; attempt++) {
      try {
        const stream = (await this.docker.getEvents({ filters: { type: ['container'], label: [`${LABELS.managed}=true`] } })) as unknown as Readable;
        this.events = stream;
        attempt = 0;
        let buffered = '';
        await new Promise<void>((resolve) => {
          stream.on('data', (chunk: Buffer) => {
            buffered += chunk.toString();
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
              const line = buffered.slice(0, nl);
              buffered = buffered.slice(nl + 1);
              try {
                const uid = JSON.parse(line)?.Actor?.Attributes?.[LABELS.uid];
                if (uid) for (const w of this.watchers) w(uid);
              } catch {
                /* a partial or foreign line: the periodic resync covers it */
              }
            }
          });
          stream.once('end', resolve);
          stream.once('error', resolve);
          stream.once('close', resolve);
        });
      } catch (err) {
        this.opts.onError?.(err, 'docker events');
      }
      this.events = null;
      if (!this.closed) await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** Math.min(attempt, 5))));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchers.clear();
    this.events?.destroy();
    this.events = null;
  }
}
