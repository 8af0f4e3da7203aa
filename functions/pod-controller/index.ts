/** Wires the pod-controller to Kafka and DynamoDB. */
import { podEvent, TOPICS } from '../../shared/events';
import { buildHandlerRuntime } from '../../shared/runtime/handler-builder';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { makePodController } from './handler';
import { admissionPolicyFromEnv, admitPod } from '../../shared/pod/admission';

export const build: BuildHandler = (env, opts) =>
  buildHandlerRuntime(
    'pod-controller',
    env,
    TOPICS.podEvents,
    podEvent,
    (w) => {
      const policy = admissionPolicyFromEnv(env);
      return { handle: makePodController({ ...w.stores, publisher: w.publisher, clock: w.clock, logger: w.logger, admit: (pod) => admitPod(pod, policy) }) };
    },
    opts,
  );
