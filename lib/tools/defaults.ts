/**
 * The security and runtime baseline of the tool functions and tables, in one place.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { LambdaBundleOptions } from '../bundling/kit-code';

export const TOOL_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const TOOL_ARCHITECTURE = lambda.Architecture.ARM_64;
export const DEFAULT_MEMORY_MB = 256;
export const DEFAULT_TIMEOUT = Duration.seconds(10);
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;
export const DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN;
/** Name of the alias the gateway invokes and the canary deployment shifts. */
export const LIVE_ALIAS = 'live';

/** KMS actions a reader of a CMK-encrypted table needs. */
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
/** KMS actions a writer of a CMK-encrypted table needs. */
export const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

/**
 * esbuild settings: minified, ESM sources preferred so zod and Powertools tree-shake, the AWS SDK v3
 * taken from the Node 22 runtime.
 */
export const TOOL_BUNDLING: nodejs.BundlingOptions = {
  minify: true,
  sourceMap: false,
  target: 'node22',
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  format: nodejs.OutputFormat.CJS,
};

/** Modules a Powertools for AWS Lambda (TypeScript) layer provides; left out of the bundle when one is used. */
export const POWERTOOLS_LAYER_MODULES = ['@aws-lambda-powertools/*', 'aws-xray-sdk-core'] as const;

/** {@link TOOL_BUNDLING} for the kit's in-process bundler; `powertoolsLayer` leaves the layer's modules out. */
export function toolCodeBundling(powertoolsLayer = false): LambdaBundleOptions {
  return {
    minify: TOOL_BUNDLING.minify,
    sourceMap: TOOL_BUNDLING.sourceMap,
    mainFields: TOOL_BUNDLING.mainFields,
    externals: [...TOOL_BUNDLING.externalModules!, ...(powertoolsLayer ? POWERTOOLS_LAYER_MODULES : [])],
  };
}
