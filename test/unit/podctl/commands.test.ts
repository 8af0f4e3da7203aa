import { parseDuration } from '../../../bin/podctl/commands/context';
import { noResourcesMessage } from '../../../bin/podctl/commands/get';
import { defaultContainer } from '../../../bin/podctl/commands/logs';
import { clientVersion } from '../../../bin/podctl/commands/version';
import { NODE, POD, parseResourceArgs } from '../../../bin/podctl/api/resources';
import { aPod } from './builders';

describe('parseDuration', () => {
  it.each([
    ['bare seconds', '45', 45_000],
    ['seconds', '30s', 30_000],
    ['minutes and seconds', '1m30s', 90_000],
    ['hours', '2h', 7_200_000],
    ['milliseconds', '500ms', 500],
  ])('reads %s', (_name, text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('rejects a duration without a unit it knows', () => {
    expect(() => parseDuration('3 days')).toThrow('invalid duration "3 days"');
  });
});

describe('parseResourceArgs', () => {
  it.each([
    ['a type alone', ['po'], [{ kind: 'Pod', names: [] }]],
    ['a type and names', ['rc', 'web', 'db'], [{ kind: 'ReplicationController', names: ['web', 'db'] }]],
    ['TYPE/NAME pairs of different types', ['pod/a', 'no/n1', 'pods/b'], [{ kind: 'Pod', names: ['a', 'b'] }, { kind: 'Node', names: ['n1'] }]],
  ])('reads %s', (_name, args, expected) => {
    expect(parseResourceArgs(args).map((g) => ({ kind: g.resource.kind, names: g.names }))).toEqual(expected);
  });

  it('rejects an unknown type the way kubectl does', () => {
    expect(() => parseResourceArgs(['deployments'])).toThrow('the server doesn\'t have a resource type "deployments"');
  });

  it('rejects a type mixed with TYPE/NAME', () => {
    expect(() => parseResourceArgs(['pod', 'rc/web'])).toThrow('there is no need to specify a resource type');
  });
});

describe('noResourcesMessage', () => {
  it('names the namespace for a namespaced list, and not for nodes or across namespaces', () => {
    expect(noResourcesMessage(POD, 'team-a', false)).toBe('No resources found in team-a namespace.');
    expect(noResourcesMessage(POD, 'team-a', true)).toBe('No resources found');
    expect(noResourcesMessage(NODE, 'team-a', false)).toBe('No resources found');
  });
});

describe('defaultContainer', () => {
  it('uses the only container silently', () => {
    expect(defaultContainer(aPod())).toEqual({ name: 'app' });
  });
  it('defaults to the first of several and says so', () => {
    const pod = aPod({ spec: { containers: [{ name: 'web', image: 'a' }, { name: 'sidecar', image: 'b' }] } });
    expect(defaultContainer(pod)).toEqual({ name: 'web', note: 'Defaulted container "web" out of: web, sidecar' });
  });
  it('follows the default-container annotation', () => {
    const pod = aPod({ annotations: { 'kubectl.kubernetes.io/default-container': 'sidecar' }, spec: { containers: [{ name: 'web', image: 'a' }, { name: 'sidecar', image: 'b' }] } });
    expect(defaultContainer(pod)).toEqual({ name: 'sidecar' });
  });
});

describe('clientVersion', () => {
  it('reads the version of the podflow package above the module', () => {
    expect(clientVersion()).toMatch(/^v\d+\.\d+\.\d+/);
  });
});
