/** The gateway and identity constructs pass the AwsSolutions rule pack and CloudFormation schema validation. */
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { toolCatalog, toolsByTarget } from '../../../catalog';
import { applyCompliance, checkEncryption, checkIamPolicies, collectTemplates, formatValidationFindings, readValidationFindings } from '../../../lib/compliance';
import { ToolGateway } from '../../../lib/gateway';
import { Identity } from '../../../lib/identity';

test('no unacknowledged cdk-nag or schema findings, no unencrypted state, no IAM wildcards on ToolGateway + CognitoIdentity', () => {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:bundling-stacks': [] } });
  applyCompliance(app);
  const stack = new Stack(app, 'Front', { env: { account: '111122223333', region: 'us-east-1' } });
  const kmsKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const targetFunctions = Object.fromEntries(
    Object.keys(toolsByTarget).map((t) => [t, new lambda.Function(stack, `Fn-${t}`, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') }).addAlias('live')]),
  );
  const identity = Identity.cognito(stack, 'Identity', { kmsKey });
  new ToolGateway(stack, 'Tools', { tools: toolCatalog, targetFunctions, identity, kmsKey, rateLimitPerUserPerMinute: 60 });
  const assembly = app.synth();
  // Stateful resources on customer-managed keys; no IAM action wildcards beyond the acknowledged ones.
  expect(checkEncryption(collectTemplates(assembly))).toEqual([]);
  expect(checkIamPolicies(collectTemplates(assembly))).toEqual([]);
  const findings = readValidationFindings(assembly).filter((f) => f.constructPaths.some((p) => p.startsWith('Front/Tools') || p.startsWith('Front/Identity')) || f.rule === 'PluginFailure');
  expect(formatValidationFindings(findings)).toBe('');
});
