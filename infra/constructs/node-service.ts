/**
 * The boot script of an EC2 instance that runs one podflow program as a
 * systemd service on Amazon Linux 2023: install Node.js (and Docker where
 * asked), fetch the program's bundle from its S3 asset, write an environment
 * file readable by root only, start the service, and restart it if it dies.
 * Values known at deploy time go in literally; values known only on the
 * instance (its name, address, secrets) are shell expressions evaluated there.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { NODE_MAJOR } from '../bundling';

export interface NodeServiceProps {
  /** systemd unit `podflow-<name>.service`, files under /opt/podflow and /etc/podflow. */
  name: string;
  description: string;
  bundle: s3assets.Asset;
  /** File name of the bundle inside the asset (the single file). */
  bundleFile: string;
  installDocker?: boolean;
  /** Deploy-time values (tokens allowed). */
  env: Record<string, string>;
  /** Shell expressions evaluated on the instance at boot, e.g. `$(imds local-hostname)`. */
  instanceEnv?: Record<string, string>;
  stopTimeoutSeconds?: number;
}

/** Shell helpers every podflow instance has: IMDSv2 reads and Secrets Manager reads. */
const HELPERS = [
  'imds() {',
  '  local token',
  '  token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
  '  curl -sf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"',
  '}',
  'secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text --region "$(imds placement/region)"; }',
];

export function nodeServiceUserData(props: NodeServiceProps): ec2.UserData {
  const userData = ec2.UserData.forLinux({ shebang: '#!/bin/bash' });
  const service = `podflow-${props.name}`;
  const envFile = `/etc/podflow/${props.name}.env`;
  const packages = [`nodejs${NODE_MAJOR}`, ...(props.installDocker ? ['docker'] : [])];
  userData.addCommands('set -euo pipefail', ...HELPERS, `dnf install -y ${packages.join(' ')}`);
  if (props.installDocker) userData.addCommands('systemctl enable --now docker');
  userData.addCommands(
    `id podflow >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin${props.installDocker ? ' --groups docker' : ''} podflow`,
    'install -d -m 0755 /opt/podflow && install -d -m 0700 /etc/podflow',
  );
  const downloaded = userData.addS3DownloadCommand({ bucket: props.bundle.bucket, bucketKey: props.bundle.s3ObjectKey });
  userData.addCommands(`install -m 0644 "${downloaded}" /opt/podflow/${props.bundleFile}`);

  const lines = [
    ...Object.entries(props.env).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(props.instanceEnv ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  userData.addCommands(`(umask 077 && cat > ${envFile} <<ENV`, ...lines, 'ENV', ')');
  userData.addCommands(
    `cat > /etc/systemd/system/${service}.service <<'UNIT'`,
    '[Unit]',
    `Description=${props.description}`,
    `After=network-online.target${props.installDocker ? ' docker.service' : ''}`,
    'Wants=network-online.target',
    ...(props.installDocker ? ['Requires=docker.service'] : []),
    '[Service]',
    'User=podflow',
    ...(props.installDocker ? ['SupplementaryGroups=docker'] : []),
    `EnvironmentFile=${envFile}`,
    `ExecStart=/usr/bin/node-${NODE_MAJOR} --enable-source-maps /opt/podflow/${props.bundleFile}`,
    'Restart=always',
    'RestartSec=5',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${props.stopTimeoutSeconds ?? 60}`,
    'NoNewPrivileges=true',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    `systemctl enable --now ${service}`,
  );
  return userData;
}
