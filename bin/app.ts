#!/usr/bin/env node
/** The reference app: `cdk synth|deploy -c env=<name>` (dev by default). */
import { App } from 'aws-cdk-lib';
import { AgentPlatform } from '../lib/app/platform';
import { applyCompliance, synthSummary } from '../lib/compliance';
import { loadEnvironment } from '../lib/config';

const app = new App();
const envName = String(app.node.tryGetContext('env') ?? 'dev');
const config = loadEnvironment(envName);
new AgentPlatform(app, { config });
applyCompliance(app);
const assembly = app.synth();
process.stderr.write(`${synthSummary(assembly)}\n`);
