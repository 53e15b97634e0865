/**
 * The sample Python agent (agents/examples/python-agent): its own unittest suite on the HTTP contract,
 * run with the machine's python3. Without python3 the suite is skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DIR = path.join(__dirname, '..', '..', '..', 'agents/examples/python-agent');
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
const describeIfPython = hasPython ? describe : describe.skip;
if (!hasPython) console.warn('python3 not found: the sample Python agent’s tests are skipped');

describeIfPython(`sample Python agent (${(python.stdout || '').trim()})`, () => {
  test('compiles', () => {
    // Byte code goes to a temp directory, not into the source tree.
    const result = spawnSync('python3', ['-m', 'py_compile', 'app.py', 'test_app.py'], { cwd: DIR, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PYTHONPYCACHEPREFIX: os.tmpdir() } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('its unittest suite passes on the contract (ping, invocation with session and date, bad input, model failure)', () => {
    const result = spawnSync('python3', ['-B', '-m', 'unittest', '-v'], { cwd: DIR, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    expect(result.stderr).toMatch(/Ran 5 tests[\s\S]*\nOK\s*$/);
    expect(result.status).toBe(0);
  });

  test('the Dockerfile builds for linux/arm64 and serves the app on 8080 as a non-root user', () => {
    const dockerfile = fs.readFileSync(path.join(DIR, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM --platform=linux\/arm64 /m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^USER agent$/m);
    expect(dockerfile).toMatch(/^CMD \["python", "app.py"\]$/m);
  });
});
