/**
 * Every object the core/v1 API serves, as zod schemas named with Kubernetes'
 * OpenAPI definition names: the OpenAPI documents are generated from these.
 * Pods and replication controllers are the project's own wire schemas
 * (shared/pod/schema.ts, shared/rc/schema.ts), so the documents cannot drift
 * from what the API accepts; nodes, events and namespaces are described as
 * api/objects.ts projects them; lists, ListMeta and Status are the
 * API machinery around them.
 */
import { z } from 'zod';
import { k8sStatus, statusCause } from '../../shared/events/status';
import * as pod from '../../shared/pod/schema';
import * as rc from '../../shared/rc/schema';
import { configMapManifest, secretManifest } from '../../shared/config-objects/schema';

export const CORE = 'io.k8s.api.core.v1';
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

const typeMeta = { apiVersion: z.string().optional(), kind: z.string().optional() };

export const listMeta = z.strictObject({
  resourceVersion: z.string().optional(),
  continue: z.string().optional(),
  remainingItemCount: z.number().int().optional(),
  selfLink: z.string().optional(),
});

export const podObject = pod.podManifest.extend({ ...typeMeta, status: pod.podStatus.optional() });
export const rcObject = rc.rcManifest.extend({ ...typeMeta, status: rc.rcStatus.optional() });
const configMapObject = configMapManifest.extend(typeMeta);
const secretObject = secretManifest.extend(typeMeta);

const nodeCondition = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastHeartbeatTime: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});
const nodeAddress = z.strictObject({ type: z.string(), address: z.string() });
const nodeSystemInfo = z.strictObject({
  kubeletVersion: z.string(),
  osImage: z.string(),
  kernelVersion: z.string(),
  containerRuntimeVersion: z.string(),
  operatingSystem: z.string(),
  architecture: z.string(),
  machineID: z.string(),
  systemUUID: z.string(),
  bootID: z.string(),
  kubeProxyVersion: z.string(),
});
const taint = z.strictObject({ key: z.string(), value: z.string().optional(), effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']), timeAdded: z.string().optional() });
const nodeSpec = z.strictObject({ taints: z.array(taint).optional(), unschedulable: z.boolean().optional() });
const nodeStatus = z.strictObject({
  capacity: pod.resourceList.optional(),
  allocatable: pod.resourceList.optional(),
  conditions: z.array(nodeCondition).optional(),
  addresses: z.array(nodeAddress).optional(),
  nodeInfo: nodeSystemInfo.optional(),
  daemonEndpoints: z.strictObject({ kubeletEndpoint: z.strictObject({ Port: z.number().int() }).optional() }).optional(),
});
export const nodeObject = z.strictObject({ ...typeMeta, metadata: pod.objectMeta.optional(), spec: nodeSpec.optional(), status: nodeStatus.optional() });

const objectReference = z.strictObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
const eventSource = z.strictObject({ component: z.string().optional(), host: z.string().optional() });
export const eventObject = z.strictObject({
  ...typeMeta,
  metadata: pod.objectMeta,
  involvedObject: objectReference,
  reason: z.string().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  source: eventSource.optional(),
  firstTimestamp: z.string().optional(),
  lastTimestamp: z.string().optional(),
  eventTime: z.string().nullable().optional(),
  count: z.number().int().optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
});

const namespaceStatus = z.strictObject({ phase: z.enum(['Active', 'Terminating']).optional() });
export const namespaceObject = z.strictObject({ ...typeMeta, metadata: pod.objectMeta.optional(), status: namespaceStatus.optional() });

const listOf = (item: z.ZodType) => z.strictObject({ ...typeMeta, metadata: listMeta.optional(), items: z.array(item) });

export const scaleObject = z.strictObject({
  ...typeMeta,
  metadata: pod.objectMeta.optional(),
  spec: z.strictObject({ replicas: z.number().int().min(0).optional() }).optional(),
  status: z.strictObject({ replicas: z.number().int().min(0), selector: z.string().optional() }).optional(),
});

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}
export const coreGvk = (kind: string): Gvk => ({ group: '', version: 'v1', kind });

/** A named definition: its schema, and the kind it is when it is a top-level object. */
export interface Definition {
  name: string;
  schema: z.ZodType;
  gvk?: Gvk;
}

const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodOptional || s instanceof z.ZodNullable ? unwrap(s.unwrap() as z.ZodType) : s);
const element = (s: z.ZodType): z.ZodType => (unwrap(s) as z.ZodArray<z.ZodType>).element;

const state = pod.containerStateSchema.shape;

/** Order is the documents' order; names are Kubernetes' definition names. */
export const DEFINITIONS: Definition[] = [
  { name: `${CORE}.Pod`, schema: podObject, gvk: coreGvk('Pod') },
  { name: `${CORE}.PodList`, schema: listOf(podObject), gvk: coreGvk('PodList') },
  { name: `${CORE}.PodSpec`, schema: pod.podSpec },
  { name: `${CORE}.PodStatus`, schema: pod.podStatus },
  { name: `${CORE}.Container`, schema: pod.container },
  { name: `${CORE}.EnvVar`, schema: pod.envVar },
  { name: `${CORE}.ContainerPort`, schema: pod.containerPort },
  { name: `${CORE}.VolumeMount`, schema: pod.volumeMount },
  { name: `${CORE}.ResourceRequirements`, schema: pod.resourceRequirements },
  { name: `${CORE}.SecurityContext`, schema: pod.securityContext },
  { name: `${CORE}.Capabilities`, schema: pod.capabilities },
  { name: `${CORE}.PodSecurityContext`, schema: unwrap(pod.podSpec.shape.securityContext) },
  { name: `${CORE}.Volume`, schema: pod.volume },
  { name: `${CORE}.EmptyDirVolumeSource`, schema: unwrap(pod.volume.shape.emptyDir) },
  { name: `${CORE}.HostPathVolumeSource`, schema: unwrap(pod.volume.shape.hostPath) },
  { name: `${CORE}.Toleration`, schema: pod.toleration },
  { name: `${CORE}.ContainerStatus`, schema: pod.containerStatus },
  { name: `${CORE}.ContainerState`, schema: pod.containerStateSchema },
  { name: `${CORE}.ContainerStateWaiting`, schema: unwrap(state.waiting) },
  { name: `${CORE}.ContainerStateRunning`, schema: unwrap(state.running) },
  { name: `${CORE}.ContainerStateTerminated`, schema: unwrap(state.terminated) },
  { name: `${CORE}.PodCondition`, schema: pod.podCondition },
  { name: `${CORE}.PodIP`, schema: element(pod.podStatus.shape.podIPs) },
  { name: `${CORE}.ReplicationController`, schema: rcObject, gvk: coreGvk('ReplicationController') },
  { name: `${CORE}.ReplicationControllerList`, schema: listOf(rcObject), gvk: coreGvk('ReplicationControllerList') },
  { name: `${CORE}.ReplicationControllerSpec`, schema: rc.rcSpec },
  { name: `${CORE}.ReplicationControllerStatus`, schema: rc.rcStatus },
  { name: `${CORE}.PodTemplateSpec`, schema: rc.podTemplate },
  { name: `${CORE}.ConfigMap`, schema: configMapObject, gvk: coreGvk('ConfigMap') },
  { name: `${CORE}.ConfigMapList`, schema: listOf(configMapObject), gvk: coreGvk('ConfigMapList') },
  { name: `${CORE}.Secret`, schema: secretObject, gvk: coreGvk('Secret') },
  { name: `${CORE}.SecretList`, schema: listOf(secretObject), gvk: coreGvk('SecretList') },
  { name: `${CORE}.Node`, schema: nodeObject, gvk: coreGvk('Node') },
  { name: `${CORE}.NodeList`, schema: listOf(nodeObject), gvk: coreGvk('NodeList') },
  { name: `${CORE}.NodeSpec`, schema: nodeSpec },
  { name: `${CORE}.NodeStatus`, schema: nodeStatus },
  { name: `${CORE}.NodeCondition`, schema: nodeCondition },
  { name: `${CORE}.NodeAddress`, schema: nodeAddress },
  { name: `${CORE}.NodeSystemInfo`, schema: nodeSystemInfo },
  { name: `${CORE}.Taint`, schema: taint },
  { name: `${CORE}.Event`, schema: eventObject, gvk: coreGvk('Event') },
  { name: `${CORE}.EventList`, schema: listOf(eventObject), gvk: coreGvk('EventList') },
  { name: `${CORE}.EventSource`, schema: eventSource },
  { name: `${CORE}.ObjectReference`, schema: objectReference },
  { name: `${CORE}.Namespace`, schema: namespaceObject, gvk: coreGvk('Namespace') },
  { name: `${CORE}.NamespaceList`, schema: listOf(namespaceObject), gvk: coreGvk('NamespaceList') },
  { name: `${CORE}.NamespaceStatus`, schema: namespaceStatus },
  { name: 'io.k8s.api.autoscaling.v1.Scale', schema: scaleObject, gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
  { name: `${META}.ObjectMeta`, schema: pod.objectMeta },
  { name: `${META}.OwnerReference`, schema: pod.ownerReference },
  { name: `${META}.ListMeta`, schema: listMeta },
  { name: `${META}.Status`, schema: k8sStatus, gvk: coreGvk('Status') },
  { name: `${META}.StatusCause`, schema: statusCause },
  { name: `${META}.Patch`, schema: z.looseObject({}) },
  { name: QUANTITY, schema: pod.quantity },
];
