import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

/** The Powertools version the handlers are built and tested with (from the installed logger package). */
export const POWERTOOLS_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(path.dirname(require.resolve('@aws-lambda-powertools/logger')), '..', '..', 'package.json'), 'utf8'),
).version;

/** The public SSM parameter holding the layer ARN of a Powertools for AWS Lambda (TypeScript) release. */
export function powertoolsLayerParameter(version: string): string {
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}

/**
 * Where a tool function gets Powertools for AWS Lambda from: bundled into the function, or the
 * public Powertools layer, keeping the bundle ≈ 35 KB instead of ≈ 110 KB (but loading many small
 * files from the layer measured ≈ 15 ms slower at init; see bench/tools.ts).
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/getting-started/lambda-layers/
 */
export abstract class PowertoolsSource {
  /** Bundle Powertools into each function: no layer, no deploy-time lookup. */
  static bundled(): PowertoolsSource {
    return new (class extends PowertoolsSource {
      bind(): lambda.ILayerVersion | undefined {
        return undefined;
      }
    })();
  }

  /** The public layer of a release, resolved at deploy time from its public SSM parameter (no lookup at synth). */
  static layerFromSsm(version: string = POWERTOOLS_VERSION): PowertoolsSource {
    return new (class extends PowertoolsSource {
      bind(scope: Construct): lambda.ILayerVersion {
        const arn = ssm.StringParameter.valueForStringParameter(scope, powertoolsLayerParameter(version));
        return lambda.LayerVersion.fromLayerVersionArn(scope, 'PowertoolsLayer', arn);
      }
    })();
  }

  /** A layer you provide (e.g. a private copy); its Powertools version must match package.json. */
  static layer(layer: lambda.ILayerVersion): PowertoolsSource {
    return new (class extends PowertoolsSource {
      bind(): lambda.ILayerVersion {
        return layer;
      }
    })();
  }

  /** The layer to attach to a function created in `scope`, or undefined when bundled. */
  abstract bind(scope: Construct): lambda.ILayerVersion | undefined;
}
