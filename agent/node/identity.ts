/**
 * The node description an agent announces in every heartbeat: name, labels
 * (kubernetes.io/hostname, os, arch, plus configured ones), capacity and
 * allocatable (from configuration, else from the host), what it allows
 * (privileged, hostPath), its runtime and where its log server listens.
 */
import os from 'node:os';
import type { NodeDescription } from '../../shared/events/node-heartbeats';
import { formatBytes } from '../../shared/kube/quantity';

/** Semver, as the scheduler's NodeVersion filter and the node-side admission compare it (the API shows it as kubeletVersion v0.1.0). */
export const AGENT_VERSION = '0.1.0';

export interface NodeSettings {
  nodeName: string;
  labels: Record<string, string>;
  /** Quantities; host values when absent. */
  capacityCpu?: string;
  capacityMemory?: string;
  maxPods: number;
  allowPrivileged: boolean;
  allowHostPath: boolean;
  /** The node's address (hostIP of its pods); the host's first IPv4 when absent. */
  address?: string;
  /** The agent version the node announces and admits pods by; AGENT_VERSION unless set (version-skew tests). */
  agentVersion?: string;
}

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  address: string;
  osImage: string;
  kernelVersion: string;
  arch: string;
}

export function hostFacts(): HostFacts {
  const v4 = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  return {
    cpus: os.cpus().length,
    memoryBytes: Math.floor(os.totalmem() / 1024) * 1024,
    address: v4?.address ?? '127.0.0.1',
    osImage: `${os.type()} ${os.release()}`,
    kernelVersion: os.release(),
    arch: process.arch === 'x64' ? 'amd64' : process.arch,
  };
}

export function describeNode(s: NodeSettings, host: HostFacts, runtime: 'docker' | 'hollow', runtimeVersion: string, endpoint?: string): NodeDescription {
  const capacity = {
    cpu: s.capacityCpu ?? String(host.cpus),
    memory: s.capacityMemory ?? formatBytes(host.memoryBytes),
    pods: String(s.maxPods),
  };
  const description: NodeDescription = {
    name: s.nodeName,
    labels: {
      'kubernetes.io/hostname': s.nodeName,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': host.arch,
      ...(runtime === 'hollow' ? { 'podflow.io/hollow': 'true' } : {}),
      ...s.labels,
    },
    capacity,
    allocatable: { ...capacity },
    allowPrivileged: s.allowPrivileged,
    allowHostPath: s.allowHostPath,
    agentVersion: s.agentVersion ?? AGENT_VERSION,
    runtime,
    addresses: [
      { type: 'InternalIP', address: s.address ?? host.address },
      { type: 'Hostname', address: s.nodeName },
    ],
    osImage: host.osImage,
    kernelVersion: host.kernelVersion,
    containerRuntimeVersion: runtimeVersion,
  };
  if (endpoint) description.endpoint = endpoint;
  return description;
}

/** "a=b,c=d" → { a: 'b', c: 'd' }. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`label "${pair}" is not key=value`);
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}
