/**
 * Pods reach the outside through their node, so the nodes run in subnets of
 * their own and each agent is told the control plane's subnets to close to
 * pods (BLOCKED_CIDRS): the brokers, functions, API instances and internal
 * load balancer stay in the `private` group, the nodes move to `nodes`.
 */
import { parseAgentEnv } from '../../../agent/config';
import { parseBlockedCidrs } from '../../../shared/network/isolation-plan';
import { render, synthPodflow, type Synthesized } from './synth';

const subnetsOf = (s: Synthesized, group: string) =>
  Object.entries(s.templates.network.findResources('AWS::EC2::Subnet'))
    .filter(([, r]) => (r.Properties.Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'aws-cdk:subnet-name' && t.Value === group))
    .map(([id, r]) => ({ id, cidr: r.Properties.CidrBlock as string }));

describe('the control plane is closed to pods in AWS', () => {
  let s: Synthesized;
  let env: Record<string, string>;
  beforeAll(() => {
    s = synthPodflow();
    const lt = Object.values(s.templates.agentNodes.findResources('AWS::EC2::LaunchTemplate'))[0];
    const script = render(lt.Properties.LaunchTemplateData.UserData['Fn::Base64']);
    const body = script.split('<<ENV\n')[1].split('\nENV\n')[0];
    env = Object.fromEntries(body.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  });

  it('runs the nodes in subnets of their own, and the API instances, functions and brokers in the control-plane subnets', () => {
    const nodes = subnetsOf(s, 'nodes').map((x) => x.id);
    const control = subnetsOf(s, 'private').map((x) => x.id);
    expect(nodes).toHaveLength(2);
    expect(control).toHaveLength(2);
    const groupOf = (text: string) => ({ nodes: nodes.filter((id) => text.includes(id)).length, control: control.filter((id) => text.includes(id)).length });
    const asgSubnets = (t: Synthesized['templates']['agentNodes']) => render(Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'))[0].Properties.VPCZoneIdentifier);
    expect(groupOf(asgSubnets(s.templates.agentNodes))).toEqual({ nodes: 2, control: 0 });
    expect(groupOf(asgSubnets(s.templates.controlPlane))).toEqual({ nodes: 0, control: 2 });
    const functions = Object.values(s.templates.controlPlane.findResources('AWS::Lambda::Function')).map((f) => render(f.Properties.VpcConfig?.SubnetIds ?? []));
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) expect(groupOf(f)).toEqual({ nodes: 0, control: 2 });
    const brokers = JSON.stringify(s.templates.messaging.toJSON().Resources);
    expect(groupOf(brokers).nodes).toBe(0);
  });

  it("tells each agent the control plane's subnets, and only those, as ranges pods may not reach", () => {
    const control = subnetsOf(s, 'private').map((x) => x.cidr);
    expect(env.BLOCKED_CIDRS.split(',')).toEqual(control);
    // What the agent checks at start: no blocked range overlaps its cluster CIDR (the default, as the user data sets none).
    const { CLUSTER_CIDR } = parseAgentEnv({ NODE_NAME: 'n', KAFKA_BROKERS: 'b:9098', BLOCKED_CIDRS: env.BLOCKED_CIDRS });
    expect(parseBlockedCidrs(env.BLOCKED_CIDRS, CLUSTER_CIDR)).toEqual(control);
    // The nodes' own subnets and the public ones (the NAT gateways, and the VPC's DNS resolver at its base + 2) stay reachable.
    for (const open of [...subnetsOf(s, 'nodes'), ...subnetsOf(s, 'public')]) expect(control).not.toContain(open.cidr);
    expect(subnetsOf(s, 'public').map((x) => x.cidr)).toContain('10.40.0.0/24');
  });
});
