const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // Suites are CPU-bound synths and bundle runs: one worker per core (jest's default leaves one idle),
  // at most four so memory stays bounded on large machines.
  maxWorkers: Math.max(1, Math.min(4, (os.availableParallelism ? os.availableParallelism() : os.cpus().length))),
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest'] },
  // ESM-only packages (agents runtime, MCP, Strands) are transformed to CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@strands-agents|bedrock-agentcore|@modelcontextprotocol|pkce-challenge|jose|uuid)/)'],
  // `bedrock-agentcore` exports its subpaths under the `import` condition only; map them to their files.
  moduleNameMapper: { '^bedrock-agentcore/(runtime|identity|browser|code-interpreter)$': '<rootDir>/node_modules/bedrock-agentcore/dist/src/$1/index.js' },
  testTimeout: 60000,
};
