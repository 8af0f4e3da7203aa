/**
 * config-controller: applies ConfigMap and Secret commands from config-events
 * to the ConfigObjects table. Stateless: it reads the stored record, lets the
 * pure decider (shared/config-objects/decider.ts) choose the record to write,
 * and writes it conditionally; a lost race reads again and decides anew. A
 * command the API's rules refuse (only a producer outside the API can send
 * one) is dead-lettered with its causes. Secret values never reach a log
 * line: only names, kinds and reasons are logged.
 */
import { ValidationError } from '../../shared/errors';
import type { ConfigEvent } from '../../shared/events';
import { nextResourceVersion } from '../../shared/kube/resource-version';
import type { Clock, HistoryStore, Logger, Publisher } from '../../shared/ports';
import { commandTarget, decideConfigCommand } from '../../shared/config-objects/decider';
import type { ConfigObjectStore } from '../../shared/config-objects/record';
import { decideAndApply, type Effects } from '../../shared/runtime/effects';

export interface ConfigControllerDeps {
  configStore: ConfigObjectStore;
  historyStore: HistoryStore;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
}

const ATTEMPTS = 5;

export function makeConfigController(deps: ConfigControllerDeps) {
  async function handle(cmd: ConfigEvent): Promise<void> {
    const { kind, namespace, name } = commandTarget(cmd);
    await decideAndApply(
      deps,
      () => deps.configStore.get(kind, namespace, name),
      (state): Effects | null => {
        const decision = decideConfigCommand(state, cmd, { now: deps.clock.now(), nextResourceVersion });
        if (decision.kind === 'invalid') {
          throw new ValidationError(`invalid ${kind} ${namespace}/${name}`, decision.causes.map((c) => ({ field: c.field ?? '', message: c.message ?? '' })));
        }
        if (decision.kind === 'ignore') {
          deps.logger.debug({ id: cmd.id, kind, namespace, name, reason: decision.reason }, 'config command ignored');
          return null;
        }
        return { write: { kind: 'putConfigObject', record: decision.record, expectedVersion: decision.expectedVersion }, then: [] };
      },
      ATTEMPTS,
    );
  }
  return { handle };
}
