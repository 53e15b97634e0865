import * as path from 'node:path';

/**
 * The environment of a newcomer without AWS credentials: an empty HOME, no config or credentials files,
 * no instance metadata, and every AWS endpoint on a loopback port that refuses.
 */
export function noCredentialsEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
}
