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
    const bad = { ...BUILT_IN_ENVIRONMENTS.staging, logRetentionDays: 8, release: { rollout: 'ALL_AT_ONCE', toolDeployment: 'CANARY_5' } };
    expect(() => resolveEnvironment(bad)).toThrow(/logRetentionDays[\s\S]*release\.toolDeployment: Invalid option/);
  });

  test('an unknown rollout preset lists the presets and the step form', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.prod, release: { rollout: 'CANARY_5', toolDeployment: 'ALL_AT_ONCE' } };
    expect(() => resolveEnvironment(bad)).toThrow(
      'release.rollout: expected one of CANARY_10PERCENT_10MINUTES, LINEAR_25PERCENT_EVERY_5MINUTES, ALL_AT_ONCE or a list of {canaryPercent, bakeMinutes} steps, got "CANARY_5"',
    );
  });

  test('a rollout of the wrong type gets the same guidance, not "Invalid input"', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.prod, release: { rollout: 5, toolDeployment: 'ALL_AT_ONCE' } };
    expect(() => resolveEnvironment(bad)).toThrow(/release\.rollout: expected one of .* or a list of \{canaryPercent, bakeMinutes\} steps, got 5$/);
  });

  test('a bad rollout step names the step field, and the last step must reach 100', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.prod, release: { rollout: [{ canaryPercent: 200, bakeMinutes: 5 }], toolDeployment: 'ALL_AT_ONCE' } };
    expect(() => resolveEnvironment(bad)).toThrow(/release\.rollout\.0\.canaryPercent: Too big: expected number to be <=100[\s\S]*release\.rollout: the last rollout step must reach canaryPercent 100/);
  });

  test('rollout steps ending at 100 are accepted', () => {
    const steps = [{ canaryPercent: 10, bakeMinutes: 10 }, { canaryPercent: 100, bakeMinutes: 0 }];
    expect(resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.prod, release: { rollout: steps, toolDeployment: 'ALL_AT_ONCE' } }).release.rollout).toEqual(steps);
  });

  test('an unsupported log retention lists the values CloudWatch Logs accepts', () => {
    expect(() => resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.prod, logRetentionDays: 8 })).toThrow(
      /logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, .*3653 \(days CloudWatch Logs accepts\), got 8/,
    );
  });

  test('an unknown pipeline source kind names the allowed kinds', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.prod, pipeline: { manualApprovalBeforeProd: true, source: { kind: 'github' } } };
    expect(() => resolveEnvironment(bad)).toThrow(/pipeline\.source\.kind: .*'codestar' \| 'codecommit'/);
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

  test("by default an app's environments are read from config/ in the app's directory (the working directory), not the kit's", () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'app-'));
    fs.mkdirSync(path.join(app, 'config'));
    fs.writeFileSync(path.join(app, 'config', 'perf.json'), JSON.stringify({ extends: 'staging', region: 'eu-west-1' }));
    const cwd = process.cwd();
    process.chdir(app);
    try {
      expect(loadEnvironment('perf')).toMatchObject({ name: 'perf', region: 'eu-west-1' });
      expect(() => loadEnvironment('qa')).toThrow(`expected one of dev, staging, prod, perf (add ${path.join(fs.realpathSync(app), 'config', 'qa.json')} to define it)`);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a JSON environment with a bad field fails naming the file and field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'perf.json'), JSON.stringify({ extends: 'staging', region: 'Mars' }));
    expect(() => loadEnvironment('perf', dir)).toThrow(/perf\.json "perf": region: an AWS region such as us-east-1/);
  });
});
