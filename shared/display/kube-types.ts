/**
 * The API objects as clients print them (podctl, and the API's kubectl Tables), typed loosely on purpose: a client prints what
 * the server sends and must not reject a field it does not know. Pods reuse the
 * shared schema's types; nodes, replication controllers and events follow core/v1.
 */
import type { ObjectMeta, Pod, PodSpec } from '../pod/schema';

export type { Pod };

export interface Meta extends ObjectMeta {
  name: string;
}

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface Node {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: {
    unschedulable?: boolean;
    podCIDR?: string;
    taints?: { key: string; value?: string; effect: string }[];
  };
  status?: {
    conditions?: NodeCondition[];
    addresses?: { type: string; address: string }[];
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    nodeInfo?: {
      kubeletVersion?: string;
      osImage?: string;
      kernelVersion?: string;
      containerRuntimeVersion?: string;
      operatingSystem?: string;
      architecture?: string;
      machineID?: string;
      systemUUID?: string;
      bootID?: string;
    };
  };
}

export interface ReplicationController {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: {
    replicas?: number;
    selector?: Record<string, string>;
    template?: { metadata?: Partial<ObjectMeta>; spec: PodSpec };
  };
  status?: {
    replicas?: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export interface CoreEvent {
  metadata?: Partial<Meta>;
  type?: string;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  count?: number;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export interface List<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** Anything with metadata: what `-o name`, apply and delete need. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  [key: string]: unknown;
}
