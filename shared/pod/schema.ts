/**
 * The Kubernetes v1 Pod, as zod schemas: the one definition of the pod's wire
 * format for the API, the events and the tables. Objects are strict (an unknown
 * field is an error with its path), like the API server's strict field validation.
 */
import { z } from 'zod';
import { isValidQuantity } from '../kube/quantity';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const dns1123Label = z
  .string()
  .max(63, 'must be no more than 63 characters')
  .regex(
    DNS1123_LABEL,
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  );

export const dns1123Subdomain = z
  .string()
  .max(253, 'must be no more than 253 characters')
  .regex(
    DNS1123_SUBDOMAIN,
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  );

export const quantity = z
  .union([z.string(), z.number()])
  .refine(isValidQuantity, { message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" });

export const resourceList = z.record(z.string(), quantity);

export const ownerReference = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof ownerReference>;

export const objectMeta = z.strictObject({
  name: dns1123Subdomain.optional(),
  generateName: z.string().optional(),
  namespace: dns1123Label.optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().nullable().optional(),
  deletionTimestamp: z.string().nullable().optional(),
  deletionGracePeriodSeconds: z.number().int().nullable().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(ownerReference).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(z.unknown()).optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;

/** The downward API: a field of the pod itself, or a resource of one of its containers. */
export const objectFieldSelector = z.strictObject({ apiVersion: z.string().optional(), fieldPath: z.string().min(1) });
export const resourceFieldSelector = z.strictObject({ containerName: z.string().optional(), resource: z.string().min(1), divisor: quantity.optional() });

/** A key of a ConfigMap or Secret in the pod's namespace (`optional`: a missing one is no error). */
export const keySelector = z.strictObject({ name: z.string().optional(), key: z.string(), optional: z.boolean().optional() });
/** A whole ConfigMap or Secret in the pod's namespace. */
export const objectRef = z.strictObject({ name: z.string().optional(), optional: z.boolean().optional() });

export const envVar = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      fieldRef: objectFieldSelector.optional(),
      resourceFieldRef: resourceFieldSelector.optional(),
      configMapKeyRef: keySelector.optional(),
      secretKeyRef: keySelector.optional(),
    })
    .optional(),
});

/** Every key of a ConfigMap or Secret as an env variable, named `prefix` + key. */
export const envFromSource = z.strictObject({ prefix: z.string().optional(), configMapRef: objectRef.optional(), secretRef: objectRef.optional() });


export const downwardAPIVolumeFile = z.strictObject({
  path: z.string().min(1),
  fieldRef: objectFieldSelector.optional(),
  resourceFieldRef: resourceFieldSelector.optional(),
  mode: z.number().int().min(0).max(0o777).optional(),
});
export type DownwardAPIVolumeFile = z.infer<typeof downwardAPIVolumeFile>;

export const containerPort = z.strictObject({
  name: z.string().optional(),
  containerPort: z.number().int().min(1).max(65535),
  hostPort: z.number().int().min(1).max(65535).optional(),
  hostIP: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});

export const volumeMount = z.strictObject({
  name: z.string().min(1),
  mountPath: z.string().min(1),
  readOnly: z.boolean().optional(),
  subPath: z.string().optional(),
});

export const capabilities = z.strictObject({
  add: z.array(z.string()).optional(),
  drop: z.array(z.string()).optional(),
});

/**
 * Parts of core/v1 that podflow parses but does not enforce (shared/pod/unenforced.ts
 * answers each with a Warning): their shape is checked (an object is an object),
 * their contents are not interpreted.
 */
const opaqueObject = z.record(z.string(), z.unknown());
const opaqueList = z.array(opaqueObject);

export const securityContext = z.strictObject({
  privileged: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  capabilities: capabilities.optional(),
  runAsUser: z.number().int().min(0).optional(),
  runAsGroup: z.number().int().min(0).optional(),
  runAsNonRoot: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  // Not enforced (Docker's defaults apply): warned.
  seccompProfile: opaqueObject.optional(),
  seLinuxOptions: opaqueObject.optional(),
  appArmorProfile: opaqueObject.optional(),
  windowsOptions: opaqueObject.optional(),
  procMount: z.string().optional(),
});

export const resourceRequirements = z.strictObject({
  requests: resourceList.optional(),
  limits: resourceList.optional(),
});

export const imagePullPolicy = z.enum(['Always', 'IfNotPresent', 'Never']);

/** A port by number or by the name of one of the container's ports (Kubernetes' IntOrString). */
export const intOrString = z.union([z.number().int(), z.string().min(1)]);

export const execAction = z.strictObject({ command: z.array(z.string()).optional() });
export const httpGetAction = z.strictObject({
  path: z.string().optional(),
  port: intOrString,
  host: z.string().optional(),
  scheme: z.enum(['HTTP', 'HTTPS']).optional(),
  httpHeaders: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
});
export const tcpSocketAction = z.strictObject({ port: intOrString, host: z.string().optional() });
export const grpcAction = z.strictObject({ port: z.number().int(), service: z.string().nullable().optional() });
export const sleepAction = z.strictObject({ seconds: z.number().int() });

/** A probe: one handler and Kubernetes' timing fields (defaults filled in on create, see defaults.ts). */
export const probe = z.strictObject({
  exec: execAction.optional(),
  httpGet: httpGetAction.optional(),
  tcpSocket: tcpSocketAction.optional(),
  grpc: grpcAction.optional(),
  initialDelaySeconds: z.number().int().min(0).optional(),
  timeoutSeconds: z.number().int().min(1).optional(),
  periodSeconds: z.number().int().min(1).optional(),
  successThreshold: z.number().int().min(1).optional(),
  failureThreshold: z.number().int().min(1).optional(),
  terminationGracePeriodSeconds: z.number().int().min(1).optional(),
});
export type Probe = z.infer<typeof probe>;

/** A postStart or preStop hook: one handler. */
export const lifecycleHandler = z.strictObject({
  exec: execAction.optional(),
  httpGet: httpGetAction.optional(),
  tcpSocket: tcpSocketAction.optional(),
  sleep: sleepAction.optional(),
});
export type LifecycleHandler = z.infer<typeof lifecycleHandler>;

export const lifecycle = z.strictObject({
  postStart: lifecycleHandler.optional(),
  preStop: lifecycleHandler.optional(),
});

export const container = z.strictObject({
  name: dns1123Label,
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(envVar).optional(),
  ports: z.array(containerPort).optional(),
  resources: resourceRequirements.optional(),
  volumeMounts: z.array(volumeMount).optional(),
  securityContext: securityContext.optional(),
  imagePullPolicy: imagePullPolicy.optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.string().optional(),
  livenessProbe: probe.optional(),
  readinessProbe: probe.optional(),
  startupProbe: probe.optional(),
  lifecycle: lifecycle.optional(),
  /** Only on init containers, only `Always`: a sidecar (Kubernetes 1.29+). */
  restartPolicy: z.string().optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
  envFrom: z.array(envFromSource).optional(),
  // Not enforced: warned.
  resizePolicy: opaqueList.optional(),
  volumeDevices: opaqueList.optional(),
});
export type Container = z.infer<typeof container>;

/** A key of a ConfigMap or Secret volume and the file it becomes. */
export const keyToPath = z.strictObject({ key: z.string(), path: z.string(), mode: z.number().int().min(0).max(0o777).optional() });
const fileMode = z.number().int().min(0).max(0o777);
export const configMapVolumeSource = z.strictObject({ name: z.string().optional(), items: z.array(keyToPath).optional(), defaultMode: fileMode.optional(), optional: z.boolean().optional() });
export const secretVolumeSource = z.strictObject({ secretName: z.string().optional(), items: z.array(keyToPath).optional(), defaultMode: fileMode.optional(), optional: z.boolean().optional() });
const projection = z.strictObject({
  configMap: z.strictObject({ name: z.string().optional(), items: z.array(keyToPath).optional(), optional: z.boolean().optional() }).optional(),
  secret: z.strictObject({ name: z.string().optional(), items: z.array(keyToPath).optional(), optional: z.boolean().optional() }).optional(),
  downwardAPI: z.strictObject({ items: z.array(downwardAPIVolumeFile).optional() }).optional(),
  // Parsed so the refusal can name them: there are no service accounts or trust bundles to project.
  serviceAccountToken: z.record(z.string(), z.unknown()).optional(),
  clusterTrustBundle: z.record(z.string(), z.unknown()).optional(),
});
export const projectedVolumeSource = z.strictObject({ sources: z.array(projection).nullable().optional(), defaultMode: fileMode.optional() });

export const volume = z.strictObject({
  name: dns1123Label,
  emptyDir: z
    .strictObject({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: quantity.optional() })
    .optional(),
  downwardAPI: z.strictObject({ items: z.array(downwardAPIVolumeFile).optional(), defaultMode: z.number().int().min(0).max(0o777).optional() }).optional(),
  configMap: configMapVolumeSource.optional(),
  secret: secretVolumeSource.optional(),
  projected: projectedVolumeSource.optional(),
  hostPath: z
    .strictObject({
      path: z.string().min(1),
      type: z
        .enum(['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'])
        .optional(),
    })
    .optional(),
});
export type Volume = z.infer<typeof volume>;

export const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().nullable().optional(),
});

export const restartPolicy = z.enum(['Always', 'OnFailure', 'Never']);
export type RestartPolicy = z.infer<typeof restartPolicy>;

export const podSpec = z.strictObject({
  containers: z.array(container).min(1, 'must have at least one container'),
  initContainers: z.array(container).optional(),
  volumes: z.array(volume).optional(),
  restartPolicy: restartPolicy.optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).optional(),
  activeDeadlineSeconds: z.number().int().min(1).max(2147483647).optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostname: z.string().optional(),
  tolerations: z.array(toleration).optional(),
  schedulerName: z.string().optional(),
  dnsPolicy: z.string().optional(),
  securityContext: z
    .strictObject({
      runAsUser: z.number().int().optional(),
      runAsGroup: z.number().int().min(0).optional(),
      runAsNonRoot: z.boolean().optional(),
      // Not enforced: warned.
      fsGroup: z.number().int().optional(),
      fsGroupChangePolicy: z.string().optional(),
      supplementalGroups: z.array(z.number().int()).optional(),
      supplementalGroupsPolicy: z.string().optional(),
      seccompProfile: opaqueObject.optional(),
      seLinuxOptions: opaqueObject.optional(),
      seLinuxChangePolicy: z.string().optional(),
      appArmorProfile: opaqueObject.optional(),
      sysctls: opaqueList.optional(),
      windowsOptions: opaqueObject.optional(),
    })
    .optional(),
  // The rest of core/v1 PodSpec: parsed, and warned as not enforced where it would change anything.
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  enableServiceLinks: z.boolean().optional(),
  imagePullSecrets: z.array(z.strictObject({ name: z.string().optional() })).optional(),
  affinity: opaqueObject.optional(),
  topologySpreadConstraints: opaqueList.optional(),
  schedulingGates: opaqueList.optional(),
  priority: z.number().int().optional(),
  priorityClassName: z.string().optional(),
  preemptionPolicy: z.string().optional(),
  runtimeClassName: z.string().optional(),
  overhead: resourceList.optional(),
  readinessGates: opaqueList.optional(),
  resourceClaims: opaqueList.optional(),
  resources: resourceRequirements.optional(),
  os: z.strictObject({ name: z.string() }).optional(),
  hostUsers: z.boolean().optional(),
  dnsConfig: opaqueObject.optional(),
  hostAliases: opaqueList.optional(),
  subdomain: z.string().optional(),
  setHostnameAsFQDN: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  ephemeralContainers: opaqueList.optional(),
});
export type PodSpec = z.infer<typeof podSpec>;

export const containerStateSchema = z.strictObject({
  waiting: z.strictObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.strictObject({ startedAt: z.string().optional() }).optional(),
  terminated: z
    .strictObject({
      exitCode: z.number().int(),
      signal: z.number().int().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      containerID: z.string().optional(),
    })
    .optional(),
});
export type ContainerState = z.infer<typeof containerStateSchema>;

export const containerStatus = z.strictObject({
  name: z.string(),
  state: containerStateSchema,
  lastState: containerStateSchema.optional(),
  ready: z.boolean(),
  started: z.boolean().optional(),
  restartCount: z.number().int().min(0),
  image: z.string(),
  imageID: z.string().optional(),
  containerID: z.string().optional(),
});
export type ContainerStatus = z.infer<typeof containerStatus>;

export const podConditionType = z.enum(['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']);
export const podCondition = z.strictObject({
  type: podConditionType,
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  lastProbeTime: z.string().nullable().optional(),
});
export type PodCondition = z.infer<typeof podCondition>;

export const podPhase = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
export type PodPhase = z.infer<typeof podPhase>;

export const podStatus = z.strictObject({
  phase: podPhase.optional(),
  conditions: z.array(podCondition).optional(),
  containerStatuses: z.array(containerStatus).optional(),
  initContainerStatuses: z.array(containerStatus).optional(),
  hostIP: z.string().optional(),
  podIP: z.string().optional(),
  podIPs: z.array(z.strictObject({ ip: z.string() })).optional(),
  startTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  nominatedNodeName: z.string().optional(),
  qosClass: z.string().optional(),
});
export type PodStatus = z.infer<typeof podStatus>;

/** What a client sends: kind/apiVersion optional, status ignored. */
export const podManifest = z.strictObject({
  apiVersion: z.literal('v1').optional(),
  kind: z.literal('Pod').optional(),
  metadata: objectMeta,
  spec: podSpec,
  status: podStatus.partial().optional(),
});
export type PodManifest = z.infer<typeof podManifest>;

/** A pod as recorded: every identity field set. */
export const pod = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: objectMeta.extend({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string(),
    creationTimestamp: z.string(),
  }),
  spec: podSpec,
  status: podStatus,
});
export type Pod = z.infer<typeof pod>;

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
