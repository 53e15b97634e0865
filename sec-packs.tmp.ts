import { App } from 'aws-cdk-lib';
import { AgentPlatform } from './lib/app/platform';
import { applyCompliance, readValidationFindings } from './lib/compliance';
import { loadEnvironment } from './lib/config';
const env = process.argv[2] ?? 'prod';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false } });
applyCompliance(app, { packs: ['aws-solutions', 'nist-800-53-r5', 'hipaa-security', 'serverless'] });
new AgentPlatform(app, { config: loadEnvironment(env) });
const findings = readValidationFindings(app.synth());
const byRule = new Map<string, number>();
for (const f of findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + f.constructPaths.length);
const byPack = new Map<string, number>();
for (const [r, n] of byRule) { const p = r.split('-')[0]; byPack.set(p, (byPack.get(p) ?? 0) + n); }
console.log(env, JSON.stringify(Object.fromEntries(byPack)));
for (const [r, n] of [...byRule].sort((a, b) => b[1] - a[1])) console.log(n, r);
if (process.argv[3]) for (const f of findings) console.log(f.rule, f.constructPaths.join(' | '));
