/**
 * The Kubernetes remote-command channel protocol (`v4.channel.k8s.io`,
 * `v5.channel.k8s.io`) as kubectl and client-go speak it over WebSocket: every
 * binary message starts with one channel byte (0 stdin, 1 stdout, 2 stderr,
 * 3 error = a JSON Status when the command ends, 4 resize = JSON
 * {Width, Height}); v5 adds channel 255, whose payload names a stream the
 * sender has closed (kubectl sends [255, 0] at the end of its stdin).
 * Pure: framing and the Status objects the exit of a command turns into.
 */
import type { K8sStatus } from '../events/status';
import { internalError, success } from '../kube/status';

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Best first: v5 is the only one that can signal the end of stdin. */
export const REMOTE_COMMAND_PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4] as const;
export type RemoteCommandProtocol = (typeof REMOTE_COMMAND_PROTOCOLS)[number];

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export type Frame =
  | { kind: 'stdin'; data: Buffer }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'close'; channel: number }
  | { kind: 'ignored'; why: string };

/** The subprotocol to answer, from the client's offer (best we know first); undefined when none fits. */
export function chooseProtocol(offered: Iterable<string>): RemoteCommandProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return REMOTE_COMMAND_PROTOCOLS.find((p) => set.has(p));
}

export function encodeFrame(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

/** A message from the client: what the server must do with it. */
export function decodeClientFrame(message: Buffer, protocol: RemoteCommandProtocol): Frame {
  if (message.length === 0) return { kind: 'ignored', why: 'empty message' };
  const channel = message[0];
  const data = message.subarray(1);
  switch (channel) {
    case CHANNEL.stdin:
      return { kind: 'stdin', data };
    case CHANNEL.resize: {
      try {
        const size = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
        const width = Number(size.Width);
        const height = Number(size.Height);
        if (Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) return { kind: 'resize', width, height };
        return { kind: 'ignored', why: 'resize without a positive Width and Height' };
      } catch {
        return { kind: 'ignored', why: 'resize that is not JSON' };
      }
    }
    case CHANNEL.close:
      if (protocol !== PROTOCOL_V5) return { kind: 'ignored', why: 'close signal outside v5' };
      return data.length === 1 ? { kind: 'close', channel: data[0] } : { kind: 'ignored', why: 'close signal without one stream id' };
    default:
      return { kind: 'ignored', why: `channel ${channel} is not written by clients` };
  }
}

/** What the error channel carries when the command ends: kubectl exits with a NonZeroExitCode cause's code. */
export function exitStatus(exitCode: number, command: readonly string[]): K8sStatus {
  if (exitCode === 0) return success();
  return {
    ...internalError(`command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`),
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The error channel's message when the stream itself failed (not the command). */
export const streamFailure = (message: string): K8sStatus => internalError(message);
