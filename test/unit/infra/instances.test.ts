import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parseAgentEnv } from '../../../agent/config';
import { apiConfigSchema } from '../../../api/index';
import { baseConfigSchema } from '../../../shared/config';
import { logicalId, render, resourcesFor, statementsOfRole, synthPodflow, type Synthesized } from './synth';

/** The environment file the boot script writes, with deploy-time references and instance lookups given sample values. */
const envFileOf = (script: string): Record<string, string> => {
  const body = script.split('<<ENV\n')[1].split('\nENV\n')[0];
  const samples: Record<string, string> = {
    '$(imds local-hostname)': 'ip-10-40-3-17.eu-west-1.compute.internal',
    '$(imds local-ipv4)': '10.40.3.17',
    '$(imds placement/availability-zone)': 'eu-west-1a',
    '$(imds instance-type)': 't3.medium',
  };
  const lines = body.split('\n').map((line) => {
    let value = line;
    for (const [expr, sample] of Object.entries(samples)) value = value.split(expr).join(sample);
    return value
      .replace(/\$\(secret '[^']*'\)/g, 'a-token-of-at-least-sixteen-chars')
      .replace(/<out:[A-Za-z0-9]*BootstrapBrokers[A-Za-z0-9]*>/, 'b-1.podflow.kafka.eu-west-1.amazonaws.com:9098')
      .replace(/<AWS::Region>/, 'eu-west-1')
      .replace(/<out:[A-Za-z0-9]+>/g, 'podflow-table');
  });
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
};

const userDataOf = (template: Template): string => {
  const lt = Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0];
  return render(lt.Properties.LaunchTemplateData.UserData['Fn::Base64']);
};

const expectHardenedLaunchTemplate = (template: Template) => {
  template.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
  template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
    LaunchTemplateData: Match.objectLike({
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      ImageId: { Ref: Match.stringLikeRegexp('al2023ami') },
      BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) })],
      KeyName: Match.absent(),
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false })],
    }),
  });
};

describe('agent nodes stack', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPodflow({ 'podflow:agentNodes': 3, 'podflow:agentMaxNodes': 12 });
  });

  it('runs the requested number of nodes from a launch template, never a launch configuration', () => {
    const t = s.templates.agentNodes;
    t.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '0',
      MaxSize: '12',
      DesiredCapacity: '3',
      LaunchTemplate: Match.objectLike({ LaunchTemplateId: Match.anyValue() }),
    });
  });

  it('boots Amazon Linux 2023 with IMDSv2 only, a hop limit that keeps containers off the metadata service, and no SSH key', () => {
    expectHardenedLaunchTemplate(s.templates.agentNodes);
    const params = s.templates.agentNodes.toJSON().Parameters as Record<string, { Default: string }>;
    expect(Object.values(params).some((p) => /^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-[\w.]+-x86_64$/.test(p.Default))).toBe(true);
  });

  it('installs Docker and the agent as a systemd service that restarts, configured for MSK IAM auth', () => {
    const script = userDataOf(s.templates.agentNodes);
    expect(script).toContain('dnf install -y nodejs24 docker');
    expect(script).toContain('systemctl enable --now docker');
    expect(script).toMatch(/aws s3 cp 's3:\/\/.*' '\/tmp\//);
    expect(script).toContain('cat > /etc/systemd/system/podflow-agent.service');
    expect(script).toContain('ExecStart=/usr/bin/node-24 --enable-source-maps /opt/podflow/agent.js');
    expect(script).toContain('Restart=always');
    expect(script).toContain('Requires=docker.service');
    expect(script).toContain('SupplementaryGroups=docker');
    expect(script).toContain('systemctl enable --now podflow-agent');
    for (const line of ['KAFKA_SSL=true', 'KAFKA_AUTH=iam', 'RUNTIME=docker', 'NODE_NAME=$(imds local-hostname)', 'NODE_IP=$(imds local-ipv4)']) {
      expect(script).toContain(line);
    }
    expect(script).toMatch(/KAFKA_BROKERS=<out:[A-Za-z0-9]+>/);
    expect(script).toMatch(/AGENT_TOKEN=\$\(secret '<out:[A-Za-z0-9]+>'\)/);
    expect(script).not.toMatch(/ssh|authorized_keys/i);
  });

  it("writes an environment the agent's own configuration schema accepts, with MSK TLS and IAM auth on", () => {
    const env = parseAgentEnv(envFileOf(userDataOf(s.templates.agentNodes)));
    expect(env).toMatchObject({
      NODE_NAME: 'ip-10-40-3-17.eu-west-1.compute.internal',
      NODE_IP: '10.40.3.17',
      KAFKA_BROKERS: ['b-1.podflow.kafka.eu-west-1.amazonaws.com:9098'],
      KAFKA_SSL: 'true',
      KAFKA_AUTH: 'iam',
      AWS_REGION: 'eu-west-1',
      RUNTIME: 'docker',
      AGENT_PORT: 10250,
      POD_NETWORK: 'vxlan',
      VXLAN_PORT: 8472,
      NODES_TABLE: expect.stringMatching(/\S/),
      NODE_LABELS: { 'topology.kubernetes.io/zone': 'eu-west-1a', 'node.kubernetes.io/instance-type': 't3.medium' },
    });
  });

  it('lets a node read only node-assignments, its pods (the byNode index), the ConfigObjects table and the Nodes table (the pod network), and write only pod-status and node-heartbeats', () => {
    const statements = statementsOfRole(s.templates.agentNodes, logicalId(s.stacks.agentNodes.nodes.role));
    const topic = (arn: string) => arn.split('/').pop();
    expect(resourcesFor(statements, 'kafka-cluster:ReadData').map(topic)).toEqual(['node-assignments']);
    expect(resourcesFor(statements, 'kafka-cluster:WriteData').map(topic).sort()).toEqual(['node-heartbeats', 'pod-status']);
    expect(resourcesFor(statements, 'kafka-cluster:AlterGroup')).toEqual([
      'arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:group/podflow-log/*/agent-*',
    ]);
    const actions = statements.flatMap((st) => st.Action);
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:Query', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:Scan']);
    expect(resourcesFor(statements, 'dynamodb:Scan').map(render)).toEqual(resourcesFor(statements, 'dynamodb:GetItem').map(render));
    expect(resourcesFor(statements, 'dynamodb:Scan').map(render).every((r) => /Nodes/.test(r) && !/index/.test(r))).toBe(true);
    const queried = resourcesFor(statements, 'dynamodb:Query').map(render);
    expect(queried).toHaveLength(2);
    expect(queried.filter((r) => /\/index\/byNode"?\]?$/.test(r))).toHaveLength(1);
    expect(queried.filter((r) => /ConfigObjects/.test(r))).toHaveLength(1);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(resourcesFor(statements, 's3:GetObject')).toHaveLength(1);
    expect(resourcesFor(statements, 'secretsmanager:GetSecretValue')).toHaveLength(1);
  });

  it('reaches nodes through SSM, not SSH: the core SSM policy; only the API may connect, to the log port, and only nodes to the VXLAN port', () => {
    s.templates.agentNodes.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    const ingress = Object.values(s.templates.agentNodes.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const toNodes = ingress.filter((r) => render(r.GroupId).includes(logicalId(s.stacks.agentNodes.securityGroup)));
    expect(toNodes).toHaveLength(2);
    expect(toNodes[0]).toMatchObject({ FromPort: 10250, ToPort: 10250, IpProtocol: 'tcp' });
    expect(toNodes[1]).toMatchObject({ FromPort: 8472, ToPort: 8472, IpProtocol: 'udp', SourceSecurityGroupId: toNodes[1].GroupId });
    expect(toNodes.map((r) => r.CidrIp)).toEqual([undefined, undefined]);
    expect(JSON.stringify(s.templates.agentNodes.toJSON())).not.toMatch(/"FromPort":\s*22\b/);
  });
});

describe('API service', () => {
  let internal: Synthesized;
  let internetFacing: Synthesized;
  beforeAll(() => {
    internal = synthPodflow();
    internetFacing = synthPodflow({
      'podflow:apiAccessCidr': '203.0.113.0/24',
      'podflow:apiCertificateArn': 'arn:aws:acm:eu-west-1:111122223333:certificate/0b6e4f3c-2d7a-4c7e-9a43-5d1f9c0e7a21',
    });
  });

  it('runs api/ behind an internal load balancer by default, open to the VPC only, over HTTP', () => {
    const t = internal.templates.controlPlane;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '3600' }]),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'podflow API load balancer',
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.40.0.0/16', FromPort: 80, ToPort: 80 })],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8001, HealthCheckPath: '/readyz' });
  });

  it('faces the internet only when asked, then admits only the given CIDR, over HTTPS', () => {
    const t = internetFacing.templates.controlPlane;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    const lbGroups = Object.values(t.findResources('AWS::EC2::SecurityGroup')).filter((g) => g.Properties.GroupDescription === 'podflow API load balancer');
    expect(lbGroups[0].Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '203.0.113.0/24', FromPort: 443 })]);
    const openIngress = [
      ...Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
      ...Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap((g) => g.Properties.SecurityGroupIngress ?? []),
    ].filter((rule) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0');
    expect(openIngress).toEqual([]);
  });

  it('starts the API as a systemd service on hardened instances, with its tokens read from Secrets Manager at boot', () => {
    expectHardenedLaunchTemplate(internal.templates.controlPlane);
    const script = userDataOf(internal.templates.controlPlane);
    expect(script).toContain('dnf install -y nodejs24\n');
    expect(script).toContain('ExecStart=/usr/bin/node-24 --enable-source-maps /opt/podflow/api.js');
    expect(script).toContain('API_HOST=0.0.0.0');
    expect(script).toContain('API_PORT=8001');
    expect(script).toMatch(/API_TOKEN=\$\(secret '<ControlPlane|API_TOKEN=\$\(secret '<ApiToken/);
    expect(script).toContain('(umask 077 && cat > /etc/podflow/api.env <<ENV');
  });

  it("writes an environment the API's configuration schemas accept, listening for the load balancer", () => {
    const env = envFileOf(userDataOf(internal.templates.controlPlane));
    expect(apiConfigSchema.parse(env)).toMatchObject({ API_HOST: '0.0.0.0', API_PORT: 8001 });
    expect(baseConfigSchema.parse(env)).toMatchObject({ KAFKA_SSL: 'true', KAFKA_AUTH: 'iam', AWS_REGION: 'eu-west-1', TABLE_PODS: 'podflow-table' });
  });

  it('lets the API read the projections, append pod commands and follow pod changes and history, nothing more', () => {
    const t = internal.templates.controlPlane;
    const statements = statementsOfRole(t, logicalId(internal.stacks.controlPlane.api.instances.role));
    const topic = (arn: string) => arn.split('/').pop();
    expect(resourcesFor(statements, 'kafka-cluster:WriteData').map(topic).sort()).toEqual(['config-events', 'node-events', 'pod-events', 'rc-events']);
    expect(resourcesFor(statements, 'kafka-cluster:ReadData').map(topic).sort()).toEqual(['pod-changes', 'pod-history']);
    const actions = statements.flatMap((st) => st.Action);
    expect(actions.filter((a) => ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(a))).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(resourcesFor(statements, 'dynamodb:GetItem')).toHaveLength(5);
    expect(resourcesFor(statements, 'secretsmanager:GetSecretValue')).toHaveLength(2);
  });
});
