/** AWS Lambda entry of replication-controller: MSK event sources (rc-events, pod-changes) and the sweep schedule feed the same handler module the local runner runs. */
import { makeLambdaHandler } from '../../shared/adapters/lambda';
import { build } from './index';

export const handler = makeLambdaHandler(build);
