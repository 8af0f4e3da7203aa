/**
 * The container runtime port: what the agent needs from Docker (or from the
 * in-memory hollow runtime). Every container and volume the agent makes carries
 * labels (see labels.ts), so `list` of a node's containers is the whole observed
 * state; the agent keeps no other record of what runs.
 */
import type { Readable } from 'node:stream';
import type { RegistryAuth } from '../images/pull-secrets';

export type RuntimeState = 'created' | 'running' | 'exited' | 'unknown';

export interface RuntimeContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: RuntimeState;
  image: string;
  imageId?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** Why the runtime could not start it (e.g. executable not found). */
  error?: string;
  /** The pod IP, for a running sandbox. */
  ip?: string;
}

export interface MountSpec {
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly: boolean;
  /** A directory inside the volume to mount instead of its root (created if missing, never outside the volume). */
  subPath?: string;
}

/** A node port forwarded to the pod (Kubernetes hostPort). */
export interface HostPortSpec {
  containerPort: number;
  hostPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostIP?: string;
}

export interface VolumeOptions {
  /** emptyDir medium Memory: a tmpfs, of this many bytes if set (sizeLimit). */
  memory?: { sizeBytes?: number };
}

export interface SandboxSpec {
  name: string;
  hostname: string;
  image: string;
  labels: Record<string, string>;
  /** hostPorts of every container: the sandbox holds the pod's network. */
  ports?: HostPortSpec[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** Replaces the image's entrypoint (Kubernetes `command`). */
  entrypoint?: string[];
  /** Replaces the image's cmd (Kubernetes `args`). */
  cmd?: string[];
  workingDir?: string;
  env: string[];
  labels: Record<string, string>;
  sandboxId: string;
  mounts: MountSpec[];
  nanoCpus?: number;
  memoryBytes?: number;
  privileged: boolean;
  user?: string;
  readOnlyRootfs: boolean;
  capAdd: string[];
  capDrop: string[];
  /** Docker `--security-opt` values (e.g. `no-new-privileges:true`). */
  securityOpt: string[];
  tty: boolean;
  stdin: boolean;
}

export interface RuntimeVolume {
  name: string;
  labels: Record<string, string>;
}

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
}

export interface ContainerRuntime {
  readonly kind: 'docker' | 'hollow';
  /** Creates what every pod needs (the pod network); idempotent. */
  prepare(): Promise<void>;
  version(): Promise<string>;
  /** Every container labelled for this node, in any state. */
  list(nodeName: string, podUid?: string): Promise<RuntimeContainer[]>;
  imagePresent(image: string): Promise<boolean>;
  /** The user an image runs as when the pod names none ('' = root). */
  imageUser(image: string): Promise<string>;
  /** Pulls with `auth` (the pod's imagePullSecrets for the image's registry) when given. */
  pullImage(image: string, auth?: RegistryAuth): Promise<void>;
  /** Creates and starts the sandbox; resolves with it running (ip set). */
  runSandbox(spec: SandboxSpec): Promise<RuntimeContainer>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once it has exited. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  ensureVolume(name: string, labels: Record<string, string>, opts?: VolumeOptions): Promise<void>;
  removeVolume(name: string): Promise<void>;
  listVolumes(nodeName: string): Promise<RuntimeVolume[]>;
  logs(id: string, opts: LogOptions): Promise<Readable>;
  /** Calls back with the pod uid of any container that changed state. */
  watch(listener: (podUid: string) => void): () => void;
  close(): Promise<void>;
}

/** A runtime call that failed for a reason the pod can show (image missing, name taken ...). */
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly code: 'ImageNotFound' | 'Conflict' | 'NotFound' | 'StartFailed' | 'Config' | 'Other',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}
