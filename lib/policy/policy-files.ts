/**
 * Cedar policy files: one file per concern under `policies/`, each holding zero or more policies.
 * The gateway the policies guard is written as the placeholder {@link GATEWAY_ARN_PLACEHOLDER} and
 * bound when the policies are deployed (the gateway ARN) or evaluated locally (any ARN).
 *
 * Plain code (no aws-cdk-lib): shared by the PolicyEngine construct, the tests and the local tool server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KitError } from '../errors';

/** Written in policy files where the gateway ARN goes: `resource == AgentCore::Gateway::"{{gatewayArn}}"`. */
export const GATEWAY_ARN_PLACEHOLDER = '{{gatewayArn}}';

/** The kit's policy directory. */
export const DEFAULT_POLICY_DIR = path.join(__dirname, '..', '..', 'policies');

export interface CedarPolicy {
  /** Stable id: `<concern>_<n>` (file name without extension, `-` → `_`, n from 1). Valid as a Policy name. */
  readonly id: string;
  /** The concern (file name without `.cedar`). */
  readonly concern: string;
  /** The policy text, annotations removed, placeholder not yet bound. */
  readonly text: string;
  /** `@reason("...")` annotation: the sentence a denied caller reads. */
  readonly reason?: string;
  readonly effect: 'permit' | 'forbid';
}

export interface PolicyFile {
  readonly file: string;
  readonly concern: string;
  readonly policies: readonly CedarPolicy[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cedar = (): typeof import('@cedar-policy/cedar-wasm/nodejs') => require('@cedar-policy/cedar-wasm/nodejs');

const ANNOTATION = /^\s*@(\w+)\("((?:[^"\\]|\\.)*)"\)\s*/;

function splitAnnotations(text: string): { body: string; annotations: Record<string, string> } {
  const annotations: Record<string, string> = {};
  let body = text;
  for (let m = ANNOTATION.exec(body); m; m = ANNOTATION.exec(body)) {
    annotations[m[1]] = JSON.parse(`"${m[2]}"`);
    body = body.slice(m[0].length);
  }
  return { body: body.trim(), annotations };
}

/** `<concern>_<n>`, usable as an AgentCore Policy name (letter first; letters, digits, underscores). */
function policyId(concern: string, index: number): string {
  const base = concern.replace(/[^A-Za-z0-9_]/g, '_');
  return `${/^[A-Za-z]/.test(base) ? base : `p_${base}`}_${index + 1}`;
}

/** Parse one policy file's text. Throws a KitError naming the file and Cedar's message on a syntax error. */
export function parsePolicyFile(file: string, text: string): PolicyFile {
  const concern = path.basename(file).replace(/\.cedar$/, '');
  const parts = cedar().policySetTextToParts(text);
  if (parts.type === 'failure') {
    throw new KitError('InvalidCedarPolicy', parts.errors.map((e) => `${file}: ${e.message}`));
  }
  const policies = parts.policies.map((raw, i) => {
    const { body, annotations } = splitAnnotations(raw);
    return {
      id: policyId(concern, i),
      concern,
      text: body,
      reason: annotations.reason,
      effect: body.startsWith('forbid') ? ('forbid' as const) : ('permit' as const),
    };
  });
  return { file, concern, policies };
}

/** Every `*.cedar` file of a directory, in name order. */
export function loadPolicyFiles(dir: string = DEFAULT_POLICY_DIR): PolicyFile[] {
  if (!fs.existsSync(dir)) throw new KitError('InvalidCedarPolicy', [`policyDir: ${dir} does not exist; expected a directory of *.cedar files`]);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cedar')).sort();
  if (!files.length) throw new KitError('InvalidCedarPolicy', [`policyDir: ${dir} holds no *.cedar file`]);
  return files.map((f) => parsePolicyFile(path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8')));
}

/** Bind the gateway ARN into a policy text. */
export function bindGateway(text: string, gatewayArn: string): string {
  return text.split(GATEWAY_ARN_PLACEHOLDER).join(gatewayArn);
}

/**
 * A default-deny policy set for `tools`, as files in `dir`: `00-default-deny.cedar` (Cedar denies
 * what no permit matches) and, per gateway target, `<target>.cedar` with a permit for its tools,
 * commented out, for a role to fill in. Loads as zero policies until a permit is written.
 */
export function writeDefaultDenyPolicies(dir: string, tools: readonly { readonly target: string; readonly name: string }[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written = [path.join(dir, '00-default-deny.cedar')];
  fs.writeFileSync(
    written[0],
    '// Default deny: Cedar denies every request no `permit` matches, and a `forbid` wins over any permit.\n' +
      '// Every tool below stays closed until a permit opens it for the callers that may use it.\n',
  );
  const targets = [...new Set(tools.map((t) => t.target))].sort();
  for (const target of targets) {
    const actions = tools.filter((t) => t.target === target).map((t) => `//     AgentCore::Action::"${t.target}___${t.name}"`);
    const file = path.join(dir, `${target.replace(/[^A-Za-z0-9_-]/g, '_')}.cedar`);
    fs.writeFileSync(
      file,
      [
        `// Tools of gateway target ${target}: closed until this permit names the role that may call them.`,
        '// permit (',
        '//   principal is AgentCore::OAuthUser,',
        '//   action in [',
        actions.join(',\n'),
        '//   ],',
        `//   resource == AgentCore::Gateway::"${GATEWAY_ARN_PLACEHOLDER}"`,
        '// )',
        '// when { principal.hasTag("role") && principal.getTag("role") == "<role>" };',
        '',
      ].join('\n'),
    );
    written.push(file);
  }
  return written;
}
