/**
 * What `kubectl explain` prints for podflow's definitions: a line for each
 * definition and for the fields a user writes or reads most, worded after the
 * Kubernetes API reference and saying where podflow differs. The schema shape
 * comes from zod; only the prose lives here, keyed by definition name.
 */
import { CORE, META, QUANTITY } from './kinds';

export interface Described {
  description: string;
  properties?: Record<string, string>;
}

const API_VERSION = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.';
const KIND = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.';
const METADATA = "Standard object's metadata.";
const LIST_METADATA = 'Standard list metadata.';

const typed = (metadata: string, rest: Record<string, string>): Record<string, string> => ({ apiVersion: API_VERSION, kind: KIND, metadata, ...rest });
const list = (of: string): Described => ({ description: `${of}List is a list of ${of}s.`, properties: typed(LIST_METADATA, { items: `List of ${of.toLowerCase()}s.` }) });

export const DESCRIPTIONS: Record<string, Described> = {
  [`${CORE}.Pod`]: {
    description: 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
    properties: typed(METADATA, {
      spec: 'Specification of the desired behavior of the pod.',
      status: 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.',
    }),
  },
  [`${CORE}.PodList`]: list('Pod'),
  [`${CORE}.PodSpec`]: {
    description: 'PodSpec is a description of a pod.',
    properties: {
      containers: 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
      volumes: 'List of volumes that can be mounted by containers belonging to the pod.',
      restartPolicy: 'Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.',
      terminationGracePeriodSeconds: 'Optional duration in seconds the pod needs to terminate gracefully. The container processes are sent a termination signal, and after this many seconds a kill signal. Defaults to 30 seconds.',
      nodeSelector: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
      nodeName: 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.',
      hostNetwork: "Host networking requested for this pod. Use the host's network namespace. Default to false.",
      hostIPC: "Use the host's ipc namespace. Optional: Default to false.",
      hostPID: "Use the host's pid namespace. Optional: Default to false.",
      hostname: "Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value.",
      tolerations: "If specified, the pod's tolerations.",
      schedulerName: 'If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.',
      dnsPolicy: "Set DNS policy for the pod. Defaults to 'ClusterFirst'.",
      securityContext: 'SecurityContext holds pod-level security attributes and common container settings.',
    },
  },
  [`${CORE}.PodStatus`]: {
    description: 'PodStatus represents information about the status of a pod. Status may trail the actual state of a system.',
    properties: {
      phase: 'The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle: Pending, Running, Succeeded, Failed or Unknown.',
      conditions: 'Current service state of pod.',
      containerStatuses: 'The list has one entry per container in the manifest.',
      hostIP: 'hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.',
      podIP: 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      podIPs: 'podIPs holds the IP addresses allocated to the pod.',
      startTime: 'RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.',
      reason: "A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'",
      message: 'A human readable message indicating details about why the pod is in this condition.',
      qosClass: 'The Quality of Service (QOS) classification assigned to the pod based on resource requirements.',
    },
  },
  [`${CORE}.Container`]: {
    description: 'A single application container that you want to run within a pod.',
    properties: {
      name: 'Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.',
      image: 'Container image name. More info: https://kubernetes.io/docs/concepts/containers/images',
      command: "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided. Cannot be updated.",
      args: "Arguments to the entrypoint. The container image's CMD is used if this is not provided. Cannot be updated.",
      workingDir: "Container's working directory. If not specified, the container runtime's default will be used. Cannot be updated.",
      env: 'List of environment variables to set in the container. Cannot be updated.',
      ports: 'List of ports to expose from the container. Not specifying a port here DOES NOT prevent that port from being exposed.',
      resources: 'Compute Resources required by this container. Cannot be updated.',
      volumeMounts: "Pod volumes to mount into the container's filesystem. Cannot be updated.",
      securityContext: 'SecurityContext defines the security options the container should be run with.',
      imagePullPolicy: 'Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated.',
      terminationMessagePath: "Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Defaults to /dev/termination-log.",
      terminationMessagePolicy: 'Indicate how the termination message should be populated. Defaults to File.',
      stdin: 'Whether this container should allocate a buffer for stdin in the container runtime. Default is false.',
      tty: "Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false.",
    },
  },
  [`${CORE}.EnvVar`]: {
    description: 'EnvVar represents an environment variable present in a Container.',
    properties: { name: 'Name of the environment variable.', value: 'Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container. Defaults to "".' },
  },
  [`${CORE}.ContainerPort`]: {
    description: 'ContainerPort represents a network port in a single container.',
    properties: {
      name: 'If specified, this must be an IANA_SVC_NAME and unique within the pod.',
      containerPort: "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536.",
      hostPort: 'Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536.',
      hostIP: 'What host IP to bind the external port to.',
      protocol: 'Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".',
    },
  },
  [`${CORE}.VolumeMount`]: {
    description: 'VolumeMount describes a mounting of a Volume within a container.',
    properties: {
      name: 'This must match the Name of a Volume.',
      mountPath: "Path within the container at which the volume should be mounted. Must not contain ':'.",
      readOnly: 'Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.',
      subPath: "Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root).",
    },
  },
  [`${CORE}.ResourceRequirements`]: {
    description: 'ResourceRequirements describes the compute resource requirements.',
    properties: {
      requests: 'Requests describes the minimum amount of compute resources required. The scheduler reserves them on the node.',
      limits: 'Limits describes the maximum amount of compute resources allowed.',
    },
  },
  [`${CORE}.SecurityContext`]: {
    description: 'SecurityContext holds security configuration that will be applied to a container.',
    properties: {
      privileged: 'Run container in privileged mode. Processes in privileged containers are essentially equivalent to root on the host. Defaults to false.',
      allowPrivilegeEscalation: 'AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process.',
      capabilities: 'The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime.',
      runAsUser: 'The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.',
      runAsGroup: 'The GID to run the entrypoint of the container process.',
      runAsNonRoot: 'Indicates that the container must run as a non-root user.',
      readOnlyRootFilesystem: 'Whether this container has a read-only root filesystem. Default is false.',
    },
  },
  [`${CORE}.Capabilities`]: { description: 'Adds and removes POSIX capabilities from running containers.', properties: { add: 'Added capabilities', drop: 'Removed capabilities' } },
  [`${CORE}.PodSecurityContext`]: { description: 'PodSecurityContext holds pod-level security attributes and common container settings.' },
  [`${CORE}.Volume`]: {
    description: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
    properties: {
      name: 'name of the volume. Must be a DNS_LABEL and unique within the pod.',
      emptyDir: 'emptyDir represents a temporary directory that shares a pod\'s lifetime. podflow names it by the pod\'s UID, so it lives exactly as long as that UID.',
      hostPath: 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container.',
    },
  },
  [`${CORE}.EmptyDirVolumeSource`]: {
    description: 'Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.',
    properties: { medium: 'medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium.', sizeLimit: 'sizeLimit is the total amount of local storage required for this EmptyDir volume.' },
  },
  [`${CORE}.HostPathVolumeSource`]: {
    description: 'Represents a host path mapped into a pod.',
    properties: { path: 'path of the directory on the host.', type: 'type for HostPath Volume. Defaults to "".' },
  },
  [`${CORE}.Toleration`]: { description: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.' },
  [`${CORE}.ContainerStatus`]: { description: 'ContainerStatus contains details for the current status of this container.' },
  [`${CORE}.ContainerState`]: { description: 'ContainerState holds a possible state of container. Only one of its members may be specified. If none of them is specified, the default one is ContainerStateWaiting.' },
  [`${CORE}.ContainerStateWaiting`]: { description: 'ContainerStateWaiting is a waiting state of a container.' },
  [`${CORE}.ContainerStateRunning`]: { description: 'ContainerStateRunning is a running state of a container.' },
  [`${CORE}.ContainerStateTerminated`]: { description: 'ContainerStateTerminated is a terminated state of a container.' },
  [`${CORE}.PodCondition`]: { description: 'PodCondition contains details for the current condition of this pod.' },
  [`${CORE}.PodIP`]: { description: 'PodIP represents a single IP address allocated to the pod.' },
  [`${CORE}.ReplicationController`]: {
    description: 'ReplicationController represents the configuration of a replication controller.',
    properties: typed(METADATA, {
      spec: 'Spec defines the specification of the desired behavior of the replication controller.',
      status: 'Status is the most recently observed status of the replication controller. Read-only.',
    }),
  },
  [`${CORE}.ReplicationControllerList`]: list('ReplicationController'),
  [`${CORE}.ReplicationControllerSpec`]: {
    description: 'ReplicationControllerSpec is the specification of a replication controller.',
    properties: {
      replicas: 'Replicas is the number of desired replicas. Defaults to 1.',
      selector: "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template.",
      minReadySeconds: 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.',
      template: 'Template is the object that describes the pod that will be created if insufficient replicas are detected.',
    },
  },
  [`${CORE}.ReplicationControllerStatus`]: { description: 'ReplicationControllerStatus represents the current status of a replication controller.' },
  [`${CORE}.ConfigMap`]: {
    description: 'ConfigMap holds configuration data for pods to consume.',
    properties: typed(METADATA, {
      data: "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field.",
      binaryData: 'BinaryData contains the binary data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Using this field will require 1.10+ apiserver and kubelet.',
      immutable: 'Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).',
    }),
  },
  [`${CORE}.ConfigMapList`]: list('ConfigMap'),
  [`${CORE}.Secret`]: {
    description: 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
    properties: typed(METADATA, {
      data: 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string.',
      stringData: 'stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write.',
      type: 'Used to facilitate programmatic handling of secret data.',
      immutable: 'Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).',
    }),
  },
  [`${CORE}.SecretList`]: list('Secret'),
  [`${CORE}.PodTemplateSpec`]: { description: 'PodTemplateSpec describes the data a pod should have when created from a template', properties: { metadata: METADATA, spec: 'Specification of the desired behavior of the pod.' } },
  [`${CORE}.Node`]: {
    description: 'Node is a worker node: in podflow, a host whose agent runs pods with Docker.',
    properties: typed(METADATA, { spec: 'Spec defines the behavior of a node.', status: 'Most recently observed status of the node. Populated by the system. Read-only.' }),
  },
  [`${CORE}.NodeList`]: list('Node'),
  [`${CORE}.NodeSpec`]: { description: 'NodeSpec describes the attributes that a node is created with.' },
  [`${CORE}.NodeStatus`]: { description: 'NodeStatus is information about the current status of a node.' },
  [`${CORE}.NodeCondition`]: { description: 'NodeCondition contains condition information for a node.' },
  [`${CORE}.NodeAddress`]: { description: "NodeAddress contains information for the node's address." },
  [`${CORE}.NodeSystemInfo`]: { description: 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.' },
  [`${CORE}.Taint`]: { description: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.' },
  [`${CORE}.Event`]: {
    description: "Event is a report of an event somewhere in the cluster. podflow serves a pod's history entries as Events.",
    properties: typed(METADATA, { involvedObject: 'The object that this event is about.', reason: 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.', message: 'A human-readable description of the status of this operation.', type: 'Type of this event (Normal, Warning), new types could be added in the future' }),
  },
  [`${CORE}.EventList`]: list('Event'),
  [`${CORE}.EventSource`]: { description: 'EventSource contains information for an event.' },
  [`${CORE}.ObjectReference`]: { description: 'ObjectReference contains enough information to let you inspect or modify the referred object.' },
  [`${CORE}.Namespace`]: { description: 'Namespace provides a scope for Names.', properties: typed(METADATA, { status: 'Status describes the current status of a Namespace.' }) },
  [`${CORE}.NamespaceList`]: list('Namespace'),
  [`${CORE}.NamespaceStatus`]: { description: 'NamespaceStatus is information about the current status of a Namespace.' },
  'io.k8s.api.autoscaling.v1.Scale': { description: 'Scale represents a scaling request for a resource.', properties: typed(METADATA, { spec: 'spec defines the behavior of the scale.', status: 'status is the current status of the scale.' }) },
  [`${META}.ObjectMeta`]: {
    description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    properties: {
      name: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
      generateName: 'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
      namespace: 'Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace.',
      uid: 'UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.',
      resourceVersion: 'An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed.',
      generation: 'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.',
      creationTimestamp: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
      deletionTimestamp: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
      deletionGracePeriodSeconds: 'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.',
      labels: 'Map of string keys and values that can be used to organize and categorize (scope and select) objects.',
      annotations: 'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
      ownerReferences: 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.',
      finalizers: 'Must be empty before the object is deleted from the registry.',
      managedFields: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
    },
  },
  [`${META}.OwnerReference`]: { description: 'OwnerReference contains enough information to let you identify an owning object.' },
  [`${META}.ListMeta`]: { description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.' },
  [`${META}.Status`]: { description: 'Status is a return value for calls that don\'t return other objects.', properties: { apiVersion: API_VERSION, kind: KIND } },
  [`${META}.StatusCause`]: { description: 'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.' },
  [`${META}.Patch`]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
  [QUANTITY]: {
    description: "Quantity is a fixed-point representation of a number: a decimal number with an optional suffix (binary-SI Ki, Mi, Gi, Ti, Pi, Ei; decimal-SI m, k, M, G, T, P, E; or a decimal exponent), e.g. '500m' CPU or '128Mi' memory.",
  },
};
