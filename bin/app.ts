#!/usr/bin/env node
/**
 * The reference app: `cdk synth|deploy -c env=<name>` (dev by default) builds one environment;
 * `-c pipeline=true` builds the delivery pipeline that deploys dev, staging and prod.
 */
import { App } from 'aws-cdk-lib';
import { PIPELINE_CONTEXT, PipelineStack } from '../lib/app/pipeline-stack';
import { AgentPlatform } from '../lib/app/platform';
import { applyCompliance, synthSummary } from '../lib/compliance';
import { loadEnvironment } from '../lib/config';

const app = new App();
let packs: readonly string[];
if (String(app.node.tryGetContext(PIPELINE_CONTEXT) ?? 'false') === 'true') {
  const prod = loadEnvironment('prod');
  new PipelineStack(app, 'AgentCoreKit-Pipeline', {
    env: prod.account || prod.region ? { account: prod.account, region: prod.region } : undefined,
    environments: { dev: loadEnvironment('dev'), staging: loadEnvironment('staging'), prod },
  });
  // One app holds every stage: the packs of every environment apply to all of them.
  packs = [...new Set(['dev', 'staging', 'prod'].flatMap((e) => loadEnvironment(e).compliance.packs))];
} else {
  const config = loadEnvironment(String(app.node.tryGetContext('env') ?? 'dev'));
  new AgentPlatform(app, { config });
  packs = config.compliance.packs;
}
applyCompliance(app, { packs });
app.synth();
// The App, not the assembly: acknowledgements live in the construct tree.
process.stderr.write(`${synthSummary(app)}\n`);
