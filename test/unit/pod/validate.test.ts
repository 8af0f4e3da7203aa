import type { StatusCause } from '../../../shared/events/status';
import { invalid } from '../../../shared/kube/status';
import { DNS1123_LABEL_ERROR, DNS1123_SUBDOMAIN_ERROR } from '../../../shared/kube/names';
import { fieldPath, semanticCauses, validatePodManifest } from '../../../shared/pod/validate';
import { aManifest, manifestWith, type Json } from './manifests';

const causesOf = (input: unknown): StatusCause[] => {
  const result = validatePodManifest(input);
  return result.ok ? [] : result.causes;
};
const c = (field: string, reason: string, message: string): StatusCause => ({ field, reason, message });

const QUALIFIED =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const ENV_NAME =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

describe('validatePodManifest', () => {
  it('accepts a complete valid manifest unchanged', () => {
    const result = validatePodManifest(aManifest());
    expect(result).toEqual({ ok: true, value: aManifest() });
  });

  it.each<[string, (m: Json) => void, StatusCause[]]>([
    ['a name or generateName is required', (m) => delete m.metadata.name, [c('metadata.name', 'FieldValueRequired', 'Required value: name or generateName is required')]],
    ['an empty name counts as no name', (m) => (m.metadata.name = ''), [c('metadata.name', 'FieldValueRequired', 'Required value: name or generateName is required')]],
    ['a generateName may stand in for the name', (m) => { delete m.metadata.name; m.metadata.generateName = 'web-'; }, []],
    ['a generateName must make a DNS subdomain', (m) => (m.metadata.generateName = 'Web_-'), [c('metadata.generateName', 'FieldValueInvalid', `Invalid value: "Web_-": ${DNS1123_SUBDOMAIN_ERROR}`)]],
    ['the pod name is a DNS-1123 subdomain', (m) => (m.metadata.name = 'Web_1'), [c('metadata.name', 'FieldValueInvalid', `Invalid value: "Web_1": ${DNS1123_SUBDOMAIN_ERROR}`)]],
    ['dots are allowed in a pod name', (m) => (m.metadata.name = 'web.v1'), []],
    ['the pod name is at most 253 characters', (m) => (m.metadata.name = 'a'.repeat(254)), [c('metadata.name', 'FieldValueInvalid', `Invalid value: "${'a'.repeat(120)}...": must be no more than 253 characters`)]],
    ['a 253-character pod name is fine', (m) => (m.metadata.name = 'a'.repeat(253)), []],
    ['the namespace is a DNS-1123 label', (m) => (m.metadata.namespace = 'my.ns'), [c('metadata.namespace', 'FieldValueInvalid', `Invalid value: "my.ns": ${DNS1123_LABEL_ERROR}`)]],
    ['the namespace is at most 63 characters', (m) => (m.metadata.namespace = 'n'.repeat(64)), [c('metadata.namespace', 'FieldValueInvalid', `Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters`)]],
    ['a container name is a DNS-1123 label', (m) => (m.spec.containers[1].name = 'Side_Car'), [c('spec.containers[1].name', 'FieldValueInvalid', `Invalid value: "Side_Car": ${DNS1123_LABEL_ERROR}`)]],
    ['a container name is required', (m) => (m.spec.containers[0].name = ''), [c('spec.containers[0].name', 'FieldValueRequired', 'Required value')]],
    ['container names are unique', (m) => (m.spec.containers[1].name = 'app'), [c('spec.containers[1].name', 'FieldValueDuplicate', 'Duplicate value: "app"')]],
    ['a volume name is a DNS-1123 label', (m) => { m.spec.volumes[0].name = 'Data'; m.spec.containers[0].volumeMounts[0].name = 'Data'; }, [c('spec.volumes[0].name', 'FieldValueInvalid', `Invalid value: "Data": ${DNS1123_LABEL_ERROR}`)]],
    ['volume names are unique', (m) => m.spec.volumes.push({ name: 'data', emptyDir: {} }), [c('spec.volumes[1].name', 'FieldValueDuplicate', 'Duplicate value: "data"')]],
    ['a volume has a type', (m) => (m.spec.volumes[0] = { name: 'data' }), [c('spec.volumes[0]', 'FieldValueRequired', 'Required value: must specify a volume type')]],
    ['a volume has one type only', (m) => (m.spec.volumes[0].hostPath = { path: '/srv' }), [c('spec.volumes[0].hostPath', 'FieldValueForbidden', 'Forbidden: may not specify more than 1 volume type')]],
    ['a hostPath does not step back', (m) => m.spec.volumes.push({ name: 'host', hostPath: { path: '/srv/../etc' } }), [c('spec.volumes[1].hostPath.path', 'FieldValueInvalid', `Invalid value: "/srv/../etc": must not contain '..'`)]],
    ['a mount names a known volume', (m) => (m.spec.containers[0].volumeMounts[0].name = 'cache'), [c('spec.containers[0].volumeMounts[0].name', 'FieldValueNotFound', 'Not found: "cache"')]],
    ['mount paths are unique within a container', (m) => m.spec.containers[0].volumeMounts.push({ name: 'data', mountPath: '/data' }), [c('spec.containers[0].volumeMounts[1].mountPath', 'FieldValueInvalid', 'Invalid value: "/data": must be unique')]],
    ['a mount path is required', (m) => (m.spec.containers[0].volumeMounts[0].mountPath = ''), [c('spec.containers[0].volumeMounts[0].mountPath', 'FieldValueRequired', 'Required value')]],
    [
      'a subPath is relative and stays inside',
      (m) => (m.spec.containers[0].volumeMounts[0].subPath = '/../x'),
      [c('spec.containers[0].volumeMounts[0].subPath', 'FieldValueInvalid', 'Invalid value: "/../x": must be a relative path'), c('spec.containers[0].volumeMounts[0].subPath', 'FieldValueInvalid', `Invalid value: "/../x": must not contain '..'`)],
    ],
    ['a container port is at most 65535', (m) => (m.spec.containers[0].ports[0].containerPort = 70000), [c('spec.containers[0].ports[0].containerPort', 'FieldValueInvalid', 'Invalid value: 70000: must be between 1 and 65535, inclusive')]],
    ['a container port is required (0 means unset)', (m) => (m.spec.containers[0].ports[0].containerPort = 0), [c('spec.containers[0].ports[0].containerPort', 'FieldValueRequired', 'Required value')]],
    ['a missing container port is required', (m) => delete m.spec.containers[0].ports[0].containerPort, [c('spec.containers[0].ports[0].containerPort', 'FieldValueRequired', 'Required value')]],
    ['a host port is at least 1', (m) => (m.spec.containers[0].ports[0].hostPort = -5), [c('spec.containers[0].ports[0].hostPort', 'FieldValueInvalid', 'Invalid value: -5: must be between 1 and 65535, inclusive')]],
    ['a port protocol is TCP, UDP or SCTP', (m) => (m.spec.containers[0].ports[0].protocol = 'HTTP'), [c('spec.containers[0].ports[0].protocol', 'FieldValueNotSupported', 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"')]],
    ['port names are unique within a container', (m) => m.spec.containers[0].ports.push({ name: 'http', containerPort: 8081 }), [c('spec.containers[0].ports[1].name', 'FieldValueDuplicate', 'Duplicate value: "http"')]],
    ['port names may repeat across containers', (m) => (m.spec.containers[1].ports[0].name = 'http'), []],
    [
      'a port name is an IANA service name',
      (m) => (m.spec.containers[0].ports[0].name = 'Http--'),
      [
        c('spec.containers[0].ports[0].name', 'FieldValueInvalid', 'Invalid value: "Http--": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
        c('spec.containers[0].ports[0].name', 'FieldValueInvalid', 'Invalid value: "Http--": must not contain consecutive hyphens'),
        c('spec.containers[0].ports[0].name', 'FieldValueInvalid', 'Invalid value: "Http--": must not begin or end with a hyphen'),
      ],
    ],
    ['a port name has a letter', (m) => (m.spec.containers[0].ports[0].name = '8080'), [c('spec.containers[0].ports[0].name', 'FieldValueInvalid', 'Invalid value: "8080": must contain at least one letter (a-z)')]],
    ['a port name is at most 15 characters', (m) => (m.spec.containers[0].ports[0].name = 'a'.repeat(16)), [c('spec.containers[0].ports[0].name', 'FieldValueInvalid', `Invalid value: "${'a'.repeat(16)}": must be no more than 15 characters`)]],
    [
      'a host port and protocol are taken once per pod',
      (m) => { m.spec.containers[0].ports[0].hostPort = 80; m.spec.containers[1].ports[0].hostPort = 80; },
      [c('spec.containers[1].ports[0].hostPort', 'FieldValueDuplicate', 'Duplicate value: "80/TCP"')],
    ],
    ['the same host port over UDP is another port', (m) => { m.spec.containers[0].ports[0].hostPort = 80; m.spec.containers[1].ports[0] = { containerPort: 53, hostPort: 80, protocol: 'UDP' }; }, []],
    ['a request is at most its limit', (m) => (m.spec.containers[0].resources.requests.cpu = '2'), [c('spec.containers[0].resources.requests[cpu]', 'FieldValueInvalid', 'Invalid value: "2": must be less than or equal to cpu limit of 1')]],
    ['requests and limits compare as quantities, not text', (m) => (m.spec.containers[0].resources.requests = { cpu: '1000m', memory: '0.125Gi' }), []],
    ['a memory request is at most its limit', (m) => (m.spec.containers[0].resources.requests.memory = '1Gi'), [c('spec.containers[0].resources.requests[memory]', 'FieldValueInvalid', 'Invalid value: "1Gi": must be less than or equal to memory limit of 128Mi')]],
    ['a quantity has the Kubernetes format', (m) => (m.spec.containers[0].resources.limits.memory = '1GB'), [c('spec.containers[0].resources.limits[memory]', 'FieldValueInvalid', `Invalid value: "1GB": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`)]],
    ['a quantity is not negative', (m) => (m.spec.containers[0].resources.requests.cpu = '-1'), [c('spec.containers[0].resources.requests[cpu]', 'FieldValueInvalid', 'Invalid value: "-1": must be greater than or equal to 0')]],
    ['a quantity is a string or a number', (m) => (m.spec.containers[0].resources.limits.cpu = true), [c('spec.containers[0].resources.limits[cpu]', 'FieldValueInvalid', 'Invalid value: true: must be of type string or number')]],
    ['a resource name is a standard one', (m) => (m.spec.containers[0].resources.limits.gpu = '1'), [c('spec.containers[0].resources.limits[gpu]', 'FieldValueInvalid', 'Invalid value: "gpu": must be a standard resource for containers')]],
    ['an extended resource is a qualified name', (m) => (m.spec.containers[0].resources.limits['example.com/gpu'] = '1'), []],
    ['restartPolicy is Always, OnFailure or Never', (m) => (m.spec.restartPolicy = 'Sometimes'), [c('spec.restartPolicy', 'FieldValueNotSupported', 'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"')]],
    ['terminationGracePeriodSeconds is not negative', (m) => (m.spec.terminationGracePeriodSeconds = -1), [c('spec.terminationGracePeriodSeconds', 'FieldValueInvalid', 'Invalid value: -1: must be greater than or equal to 0')]],
    ['terminationGracePeriodSeconds is whole seconds', (m) => (m.spec.terminationGracePeriodSeconds = 1.5), [c('spec.terminationGracePeriodSeconds', 'FieldValueInvalid', 'Invalid value: 1.5: must be of type integer')]],
    ['an image is required', (m) => delete m.spec.containers[1].image, [c('spec.containers[1].image', 'FieldValueRequired', 'Required value')]],
    ['an empty image is no image', (m) => (m.spec.containers[1].image = ''), [c('spec.containers[1].image', 'FieldValueRequired', 'Required value')]],
    ['a null image is no image', (m) => (m.spec.containers[1].image = null), [c('spec.containers[1].image', 'FieldValueRequired', 'Required value')]],
    ['a blank image is refused', (m) => (m.spec.containers[1].image = '   '), [c('spec.containers[1].image', 'FieldValueInvalid', 'Invalid value: "   ": must not have leading or trailing whitespace')]],
    ['an image is a string', (m) => (m.spec.containers[1].image = 5), [c('spec.containers[1].image', 'FieldValueInvalid', 'Invalid value: 5: must be of type string')]],
    ['an env var name does not start with a digit', (m) => (m.spec.containers[0].env[0].name = '1ST'), [c('spec.containers[0].env[0].name', 'FieldValueInvalid', `Invalid value: "1ST": ${ENV_NAME}`)]],
    ['an env var name has no spaces or =', (m) => (m.spec.containers[0].env[0].name = 'A=B'), [c('spec.containers[0].env[0].name', 'FieldValueInvalid', `Invalid value: "A=B": ${ENV_NAME}`)]],
    ['an env var name is not ..-relative', (m) => (m.spec.containers[0].env[0].name = '..x'), [c('spec.containers[0].env[0].name', 'FieldValueInvalid', `Invalid value: "..x": must not start with '..'`)]],
    ['an env var name is required', (m) => (m.spec.containers[0].env[0].name = ''), [c('spec.containers[0].env[0].name', 'FieldValueRequired', 'Required value')]],
    ['a label key is a qualified name', (m) => (m.metadata.labels['bad key'] = 'v'), [c('metadata.labels', 'FieldValueInvalid', `Invalid value: "bad key": ${QUALIFIED}`)]],
    ['a label key prefix is a DNS subdomain', (m) => (m.metadata.labels['Example.com/x'] = 'v'), [c('metadata.labels', 'FieldValueInvalid', `Invalid value: "Example.com/x": prefix part ${DNS1123_SUBDOMAIN_ERROR}`)]],
    ['a label key name part is at most 63 characters', (m) => (m.metadata.labels['k'.repeat(64)] = 'v'), [c('metadata.labels', 'FieldValueInvalid', `Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`)]],
    [
      'a label value is at most 63 characters',
      (m) => (m.metadata.labels.app = 'v'.repeat(64)),
      [c('metadata.labels', 'FieldValueInvalid', `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`)],
    ],
    ['a label value is label characters', (m) => (m.metadata.labels.app = 'a b'), [c('metadata.labels', 'FieldValueInvalid', `Invalid value: "a b": ${LABEL_VALUE}`)]],
    ['an empty label value is fine', (m) => (m.metadata.labels.app = ''), []],
    ['a label value is a string', (m) => (m.metadata.labels.app = 5), [c('metadata.labels[app]', 'FieldValueInvalid', 'Invalid value: 5: must be of type string')]],
    ['an annotation key is a qualified name', (m) => (m.metadata.annotations['a/b/c'] = 'v'), [expect.objectContaining({ field: 'metadata.annotations', reason: 'FieldValueInvalid', message: expect.stringMatching(/^Invalid value: "a\/b\/c": a qualified name must consist/) })]],
    ['annotation values are free text up to the total size', (m) => (m.metadata.annotations['example.com/big'] = 'x'.repeat(262144)), [c('metadata.annotations', 'FieldValueTooLong', 'Too long: must have at most 262144 bytes')]],
    ['a nodeSelector is a label map', (m) => (m.spec.nodeSelector = { 'disk type': 'ssd' }), [c('spec.nodeSelector', 'FieldValueInvalid', `Invalid value: "disk type": ${QUALIFIED}`)]],
    ['a dnsPolicy is a known one', (m) => (m.spec.dnsPolicy = 'Google'), [c('spec.dnsPolicy', 'FieldValueNotSupported', 'Unsupported value: "Google": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"')]],
    ['a hostname is a DNS label', (m) => (m.spec.hostname = 'my.host'), [c('spec.hostname', 'FieldValueInvalid', `Invalid value: "my.host": ${DNS1123_LABEL_ERROR}`)]],
    ['a nodeName is a DNS subdomain', (m) => (m.spec.nodeName = 'Node_1'), [c('spec.nodeName', 'FieldValueInvalid', `Invalid value: "Node_1": ${DNS1123_SUBDOMAIN_ERROR}`)]],
    ['imagePullPolicy is a known one', (m) => (m.spec.containers[0].imagePullPolicy = 'Sometimes'), [c('spec.containers[0].imagePullPolicy', 'FieldValueNotSupported', 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"')]],
    ['terminationMessagePolicy is a known one', (m) => (m.spec.containers[0].terminationMessagePolicy = 'Log'), [c('spec.containers[0].terminationMessagePolicy', 'FieldValueNotSupported', 'Unsupported value: "Log": supported values: "FallbackToLogsOnError", "File"')]],
    ['runAsUser is not negative', (m) => (m.spec.containers[0].securityContext = { runAsUser: -1 }), [c('spec.containers[0].securityContext.runAsUser', 'FieldValueInvalid', 'Invalid value: -1: must be between 0 and 2147483647, inclusive')]],
    ['a pod runAsUser is not negative', (m) => (m.spec.securityContext = { runAsUser: -1 }), [c('spec.securityContext.runAsUser', 'FieldValueInvalid', 'Invalid value: -1: must be between 0 and 2147483647, inclusive')]],
    [
      'privileged and no privilege escalation contradict',
      (m) => (m.spec.containers[0].securityContext = { privileged: true, allowPrivilegeEscalation: false }),
      [c('spec.containers[0].securityContext', 'FieldValueInvalid', 'Invalid value: {"privileged":true,"allowPrivilegeEscalation":false}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true')],
    ],
    ['a toleration with Exists has no value', (m) => (m.spec.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]), [c('spec.tolerations[0].operator', 'FieldValueInvalid', 'Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\'')]],
    ['tolerationSeconds needs the NoExecute effect', (m) => (m.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]), [c('spec.tolerations[0].effect', 'FieldValueInvalid', `Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`)]],
    ['a pod has a container', (m) => (m.spec.containers = []), [c('spec.containers', 'FieldValueRequired', 'Required value')]],
    ['a pod has a spec', (m) => delete m.spec, [c('spec', 'FieldValueRequired', 'Required value')]],
    ['kind is Pod', (m) => (m.kind = 'Deployment'), [c('kind', 'FieldValueNotSupported', 'Unsupported value: "Deployment": supported values: "Pod"')]],
    ['an unknown spec field is refused at its path', (m) => (m.spec.bogus = { deep: 1 }), [c('spec.bogus', 'FieldValueInvalid', 'unknown field "bogus"')]],
    ['an unknown container field is refused at its path', (m) => (m.spec.containers[1].livenesProbe = {}), [c('spec.containers[1].livenesProbe', 'FieldValueInvalid', 'unknown field "livenesProbe"')]],
    ['an unknown securityContext field is refused at its path', (m) => (m.spec.containers[0].securityContext = { priviledged: true }), [c('spec.containers[0].securityContext.priviledged', 'FieldValueInvalid', 'unknown field "priviledged"')]],
    ['containers must be a list', (m) => (m.spec.containers = { name: 'app' }), [c('spec.containers', 'FieldValueInvalid', 'Invalid value: {"name":"app"}: must be of type array')]],
  ])('%s', (_name, change, expected) => {
    expect(causesOf(manifestWith(change))).toEqual(expected);
  });

  it('reports every cause at once, metadata first, each at its own path', () => {
    const causes = causesOf(
      manifestWith((m) => {
        m.spec.containers[1].name = 'app';
        m.spec.containers[0].image = '';
        m.spec.restartPolicy = 'Sometimes';
        m.spec.containers[0].volumeMounts[0].name = 'cache';
        m.spec.containers[0].ports[0].containerPort = 70000;
        m.metadata.name = 'Web';
        m.spec.extra = 1;
      }),
    );
    expect(causes.map((x) => x.field).sort()).toEqual(
      [
        'metadata.name',
        'spec.containers[0].image',
        'spec.containers[0].ports[0].containerPort',
        'spec.containers[0].volumeMounts[0].name',
        'spec.containers[1].name',
        'spec.extra',
        'spec.restartPolicy',
      ].sort(),
    );
    expect(causes[0].field).toBe('metadata.name');
  });

  it('words the 422 message as the API server does, one cause bare and several in brackets', () => {
    const one = causesOf(manifestWith((m) => delete m.spec.containers[0].image));
    expect(invalid('Pod', 'web', one).message).toBe('The Pod "web" is invalid: spec.containers[0].image: Required value');
    const two = causesOf(manifestWith((m) => { delete m.spec.containers[0].image; m.spec.restartPolicy = 'x'; }));
    expect(invalid('Pod', 'web', two).message).toBe(
      'The Pod "web" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: "x": supported values: "Always", "Never", "OnFailure"]',
    );
  });

  it.each<[unknown, string]>([
    [5, 'Invalid value: 5: must be of type object'],
    [null, 'Required value'],
    ['pod', 'Invalid value: "pod": must be of type object'],
    [[], 'Invalid value: []: must be of type object'],
  ])('refuses a document that is no object (%p) with a cause at <root>', (input, message) => {
    expect(causesOf(input)).toEqual([expect.objectContaining({ field: '<root>', message })]);
  });

  it('runs the cross-field rules even where the shape fails elsewhere', () => {
    const causes = causesOf(manifestWith((m) => { m.spec.containers[1].name = 'app'; m.spec.containers[0].image = 7; }));
    expect(causes).toEqual([
      c('spec.containers[0].image', 'FieldValueInvalid', 'Invalid value: 7: must be of type string'),
      c('spec.containers[1].name', 'FieldValueDuplicate', 'Duplicate value: "app"'),
    ]);
  });
});

describe('semanticCauses', () => {
  it('finds the cross-field problems of an already parsed manifest, as the pod-controller calls it', () => {
    const parsed = validatePodManifest(aManifest());
    if (!parsed.ok) throw new Error('fixture must be valid');
    const pod = { ...parsed.value, spec: { ...parsed.value.spec, containers: [...parsed.value.spec.containers, { name: 'app', image: 'x' }] } };
    expect(semanticCauses(pod)).toEqual([c('spec.containers[2].name', 'FieldValueDuplicate', 'Duplicate value: "app"')]);
  });
});

describe('fieldPath', () => {
  it.each<[PropertyKey[], string]>([
    [['spec', 'containers', 0, 'image'], 'spec.containers[0].image'],
    [['spec', 'containers', 2, 'resources', 'limits', 'cpu'], 'spec.containers[2].resources.limits[cpu]'],
    [['metadata', 'labels', 'app'], 'metadata.labels[app]'],
    [['spec', 'volumes', 0], 'spec.volumes[0]'],
    [[], ''],
  ])('renders %p as %p', (path, text) => expect(fieldPath(path)).toBe(text));
});
