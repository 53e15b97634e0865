/**
 * CloudWatch Transaction Search: X-Ray ingests spans into the `aws/spans` log group, which
 * AgentCore's GenAI observability and online evaluation read. One per account and region — create
 * it in exactly one stack (the environment's shared stack).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';
import { Problems } from '../errors';

export interface TransactionSearchProps {
  /**
   * Percentage of spans indexed as X-Ray trace summaries (1% is free); every span is still stored in `aws/spans`.
   * @default 1
   */
  readonly indexingPercentage?: number;
  /**
   * Customer managed key for the `aws/spans` log group. Applied only when X-Ray creates the group.
   * @default - the log group's default encryption
   */
  readonly spansEncryptionKey?: kms.IKey;
}

export class TransactionSearch extends Construct {
  readonly config: xray.CfnTransactionSearchConfig;
  /** Lets X-Ray write `aws/spans` and `/aws/application-signals/data`. */
  readonly resourcePolicy: logs.CfnResourcePolicy;

  constructor(scope: Construct, id: string, props: TransactionSearchProps = {}) {
    super(scope, id);
    const indexingPercentage = props.indexingPercentage ?? 1;
    const problems = new Problems('InvalidTransactionSearchProps');
    problems.check(indexingPercentage >= 0 && indexingPercentage <= 100, `indexingPercentage: ${indexingPercentage} is out of range; expected 0–100`);
    problems.throwIfAny();

    const stack = Stack.of(this);
    const logGroupArn = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'TransactionSearchXRayAccess',
          principals: [new iam.ServicePrincipal('xray.amazonaws.com')],
          actions: ['logs:PutLogEvents'],
          resources: [logGroupArn('aws/spans'), logGroupArn('/aws/application-signals/data')],
          conditions: {
            ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'xray', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
            StringEquals: { 'aws:SourceAccount': stack.account },
          },
        }),
      ],
    });
    this.resourcePolicy = new logs.CfnResourcePolicy(this, 'XRayLogsPolicy', {
      policyName: `${stack.stackName}-TransactionSearch`.slice(0, 255),
      policyDocument: stack.toJsonString(document.toJSON()),
    });
    this.config = new xray.CfnTransactionSearchConfig(this, 'Config', {
      indexingPercentage,
      ...(props.spansEncryptionKey ? { cloudWatchLogsConfiguration: { spansLogGroupKmsKeyId: props.spansEncryptionKey.keyArn } } : {}),
    });
    this.config.node.addDependency(this.resourcePolicy);
  }
}
