#!/usr/bin/env node
/** The reference app: `cdk synth|deploy -c env=<name>` (dev by default). */
import { App } from 'aws-cdk-lib';
import { loadEnvironment } from '../lib/config';
import { AgentPlatform } from '../lib/app/platform';

const app = new App();
const envName = String(app.node.tryGetContext('env') ?? 'dev');
const config = loadEnvironment(envName);
new AgentPlatform(app, { config });
app.synth();
