/**
 * Interactive streams into running containers on Docker Engine: `docker exec`
 * (a new process) and `docker attach` (the container's main process), both
 * hijacked so stdin flows in and stdout/stderr flow out while they run.
 * Without a TTY Docker multiplexes stdout and stderr in 8-byte-header frames;
 * they are split here so each reaches its own channel. Closing stdin is a
 * half-close of the hijacked connection, which Docker passes on as EOF.
 */
import Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import type { ContainerStreams, OutputSink, StreamSession, StreamSettings } from './streams';

/** Splits Docker's multiplexed frames; returns the complete ones and what is left over. */
export function splitDockerFrames(pending: Buffer): { frames: { stream: 'stdout' | 'stderr'; data: Buffer }[]; rest: Buffer } {
  const frames: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];
  let rest = pending;
  while (rest.length >= 8) {
    const size = rest.readUInt32BE(4);
    if (rest.length < 8 + size) break;
    frames.push({ stream: rest[0] === 2 ? 'stderr' : 'stdout', data: rest.subarray(8, 8 + size) });
    rest = rest.subarray(8 + size);
  }
  return { frames, rest };
}

function pump(socket: Duplex, tty: boolean, sink: OutputSink): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  return new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      if (tty) return sink('stdout', chunk);
      const { frames, rest } = splitDockerFrames(pending.length ? Buffer.concat([pending, chunk]) : chunk);
      pending = rest;
      for (const f of frames) sink(f.stream, f.data);
    });
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
    socket.once('error', () => resolve());
  });
}

function session(socket: Duplex, output: Promise<void>, exitCode: () => Promise<number>, resize: (w: number, h: number) => Promise<unknown>): StreamSession {
  return {
    writeStdin: (data) => {
      if (!socket.writableEnded) socket.write(data);
    },
    closeStdin: () => {
      if (!socket.writableEnded) socket.end();
    },
    resize: async (width, height) => {
      await resize(width, height);
    },
    finished: output.then(exitCode),
    abort: () => socket.destroy(),
  };
}

export class DockerStreams implements ContainerStreams {
  private readonly docker: Docker;

  constructor(docker?: Docker) {
    this.docker = docker ?? new Docker();
  }

  async exec(containerId: string, command: readonly string[], settings: StreamSettings, sink: OutputSink): Promise<StreamSession> {
    const exec = await this.docker.getContainer(containerId).exec({
      Cmd: [...command],
      AttachStdin: settings.stdin,
      AttachStdout: settings.stdout,
      AttachStderr: settings.stderr,
      Tty: settings.tty,
    });
    const socket = (await exec.start({ hijack: true, stdin: settings.stdin, Tty: settings.tty })) as Duplex;
    const exitCode = async () => {
      // The stream can end a moment before Docker records the exit code.
      for (let i = 0; i < 100; i++) {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null) return info.ExitCode;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`exec in container ${containerId} did not report an exit code`);
    };
    return session(socket, pump(socket, settings.tty, sink), exitCode, (w, h) => exec.resize({ w, h }));
  }

  async attach(containerId: string, settings: StreamSettings, sink: OutputSink): Promise<StreamSession> {
    const container = this.docker.getContainer(containerId);
    const socket = (await container.attach({
      stream: true,
      hijack: true,
      stdin: settings.stdin,
      stdout: settings.stdout,
      stderr: settings.stderr,
    })) as unknown as Duplex;
    const exitCode = async () => 0; // as the kubelet: the attach itself succeeded, whatever the process does
    return session(socket, pump(socket, settings.tty, sink), exitCode, (w, h) => container.resize({ w, h }));
  }
}
