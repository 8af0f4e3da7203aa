/**
 * The port for interactive streams into a running container (exec, attach).
 * Separate from ContainerRuntime because only a real engine has them: the
 * hollow runtime runs no processes, so its nodes answer exec with an error.
 */
export interface StreamSettings {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export type OutputSink = (stream: 'stdout' | 'stderr', data: Buffer) => void;

export interface StreamSession {
  writeStdin(data: Buffer): void;
  /** The process sees EOF on its stdin. */
  closeStdin(): void;
  resize(width: number, height: number): Promise<void>;
  /** Resolves with the exit code once every byte of output went to the sink. */
  finished: Promise<number>;
  /** The client went away: drop the connection (an exec'd process may be left to finish). */
  abort(): void;
}

export interface ContainerStreams {
  exec(containerId: string, command: readonly string[], settings: StreamSettings, sink: OutputSink): Promise<StreamSession>;
  attach(containerId: string, settings: StreamSettings, sink: OutputSink): Promise<StreamSession>;
}
