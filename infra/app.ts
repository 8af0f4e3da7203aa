#!/usr/bin/env node
/**
 * `cdk synth` / `cdk deploy` entry: creates the app and its stacks, nothing
 * else. Stacks are environment-agnostic (no lookups), so synth works offline
 * and without credentials; `cdk deploy` picks the account and region of the
 * caller's credentials.
 */
import { App } from 'aws-cdk-lib';
import { buildPodflow } from './podflow-app';
import { readSettings } from './settings';

const app = new App();
buildPodflow(app, readSettings(app));
