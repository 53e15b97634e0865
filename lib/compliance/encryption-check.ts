import { ENCRYPTION_EXEMPTION_METADATA } from './acknowledge';
import { resourcesOf, type SynthesizedTemplate } from './templates';

/** A stateful resource not encrypted with a customer-managed KMS key. */
export interface EncryptionFinding {
  readonly template: string;
  readonly logicalId: string;
  readonly type: string;
  readonly problem: string;
}

type Props = Record<string, unknown>;
const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Props)[k] : undefined), o);

/** A key reference that is customer-managed: present, and not an AWS-managed `alias/aws/...` key. */
function isCustomerKey(ref: unknown): boolean {
  if (ref === undefined || ref === null || ref === '') return false;
  return !(typeof ref === 'string' && /(^|:)alias\/aws\//.test(ref));
}

const keyAt = (property: string) => (p: Props) => (isCustomerKey(p[property]) ? undefined : `${property} must reference a customer-managed KMS key`);

/**
 * The stateful resource types the check covers, and where each keeps its key. A type missing here
 * is not checked; add it with its rule.
 */
export const STATEFUL_KEY_RULES: Readonly<Record<string, (props: Props) => string | undefined>> = {
  'AWS::DynamoDB::Table': (p) =>
    get(p, 'SSESpecification', 'SSEEnabled') === true && get(p, 'SSESpecification', 'SSEType') === 'KMS' && isCustomerKey(get(p, 'SSESpecification', 'KMSMasterKeyId'))
      ? undefined
      : 'SSESpecification must be { SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: <customer-managed key> } (TableEncryption.CUSTOMER_MANAGED)',
  'AWS::DynamoDB::GlobalTable': (p) =>
    get(p, 'SSESpecification', 'SSEType') === 'KMS' && ((p.Replicas as unknown[]) ?? []).every((r) => isCustomerKey(get(r, 'SSESpecification', 'KMSMasterKeyId')))
      ? undefined
      : 'SSESpecification.SSEType must be KMS and every replica must set SSESpecification.KMSMasterKeyId (TableEncryptionV2.customerManagedKey)',
  'AWS::Logs::LogGroup': keyAt('KmsKeyId'),
  'AWS::SNS::Topic': keyAt('KmsMasterKeyId'),
  'AWS::SQS::Queue': keyAt('KmsMasterKeyId'),
  'AWS::SecretsManager::Secret': keyAt('KmsKeyId'),
  'AWS::Kinesis::Stream': (p) =>
    get(p, 'StreamEncryption', 'EncryptionType') === 'KMS' && isCustomerKey(get(p, 'StreamEncryption', 'KeyId')) ? undefined : 'StreamEncryption must be KMS with a customer-managed KeyId',
  'AWS::S3::Bucket': (p) => {
    const rules = (get(p, 'BucketEncryption', 'ServerSideEncryptionConfiguration') as unknown[]) ?? [];
    const ok = rules.some((r) => String(get(r, 'ServerSideEncryptionByDefault', 'SSEAlgorithm')).startsWith('aws:kms') && isCustomerKey(get(r, 'ServerSideEncryptionByDefault', 'KMSMasterKeyID')));
    return ok ? undefined : 'BucketEncryption must use aws:kms with a customer-managed KMSMasterKeyID (BucketEncryption.KMS with encryptionKey)';
  },
  'AWS::BedrockAgentCore::Memory': keyAt('EncryptionKeyArn'),
  'AWS::BedrockAgentCore::Gateway': keyAt('KmsKeyArn'),
  'AWS::BedrockAgentCore::Dataset': keyAt('KmsKeyArn'),
};

/**
 * Every stateful resource (types in {@link STATEFUL_KEY_RULES}) of every template must reference a
 * customer-managed KMS key, unless its Metadata carries an exemption with a reason
 * (see `exemptFromCustomerManagedKey`).
 */
export function checkEncryption(templates: readonly SynthesizedTemplate[]): EncryptionFinding[] {
  const findings: EncryptionFinding[] = [];
  for (const [template, logicalId, r] of resourcesOf(templates)) {
    const rule = STATEFUL_KEY_RULES[r.Type];
    if (!rule || typeof r.Metadata?.[ENCRYPTION_EXEMPTION_METADATA] === 'string') continue;
    const problem = rule(r.Properties ?? {});
    if (problem) findings.push({ template, logicalId, type: r.Type, problem });
  }
  return findings;
}

export function formatEncryptionFindings(findings: readonly EncryptionFinding[]): string {
  return findings.map((f) => `${f.template}/${f.logicalId} (${f.type}): ${f.problem}`).join('\n');
}
