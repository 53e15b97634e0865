/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest'] },
  // ESM-only packages (agents runtime, MCP, Strands) are transformed to CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@strands-agents|bedrock-agentcore|@modelcontextprotocol|pkce-challenge|jose)/)'],
  testTimeout: 60000,
};
