import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILT_IN_ENVIRONMENTS, loadEnvironment, resolveEnvironment } from '../../../lib/config';

describe('environment config', () => {
  test.each(['dev', 'staging', 'prod'])('built-in %s validates', (name) => {
    expect(loadEnvironment(name).name).toBe(name);
  });

  test('dev destroys and prod retains stateful resources', () => {
    expect(loadEnvironment('dev').removalPolicy).toBe('destroy');
    expect(loadEnvironment('prod').removalPolicy).toBe('retain');
  });

  test('a wrong enum value names the field and the allowed values', () => {
    expect(() => resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.prod, removalPolicy: 'keep' })).toThrow(
      /"prod": removalPolicy: .*"destroy"\|"retain"/,
    );
  });

  test('every problem is reported at once', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.staging, logRetentionDays: 8, release: { canaryPercent: 150, rollout: 'ALL_AT_ONCE', toolDeployment: 'ALL_AT_ONCE' } };
    expect(() => resolveEnvironment(bad)).toThrow(/logRetentionDays[\s\S]*release\.canaryPercent: Too big/);
  });

  test('seed data outside dev is rejected', () => {
    expect(() => resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.prod, seedData: true })).toThrow(/seedData: seed data is for dev only/);
  });

  test('an unknown environment lists the known ones', () => {
    expect(() => loadEnvironment('qa', fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')))).toThrow(/unknown environment "qa"; expected one of dev, staging, prod/);
  });

  test('a team adds an environment with a JSON file that extends a built-in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'perf.json'), JSON.stringify({ extends: 'staging', region: 'eu-west-1', memory: { eventExpiryDays: 14 } }));
    const cfg = loadEnvironment('perf', dir);
    expect(cfg).toMatchObject({ name: 'perf', region: 'eu-west-1', removalPolicy: 'retain', memory: { eventExpiryDays: 14 } });
  });

  test('a JSON environment with a bad field fails naming the file and field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'perf.json'), JSON.stringify({ extends: 'staging', region: 'Mars' }));
    expect(() => loadEnvironment('perf', dir)).toThrow(/perf\.json "perf": region: an AWS region such as us-east-1/);
  });
});
