import * as fs from 'node:fs';
import { toolCatalog, gatewayToolName } from '../../../catalog';
import { renderCatalogDocs } from '../../../catalog/docs';
import { CATALOG_DOCS_PATH } from '../../../bin/catalog-docs';

const doc = renderCatalogDocs(toolCatalog);

test('docs/tools.md is up to date with the catalog (run npm run catalog:docs)', () => {
  expect(fs.readFileSync(CATALOG_DOCS_PATH, 'utf8')).toBe(doc);
});

test('rendering is deterministic', () => {
  expect(renderCatalogDocs(toolCatalog)).toBe(doc);
});

describe.each(toolCatalog.map((t) => [t.name, t] as const))('%s section', (name, tool) => {
  const start = doc.indexOf(`## ${name}\n`);
  const next = doc.indexOf('\n## ', start + 3);
  const section = doc.slice(start, next === -1 ? undefined : next);

  test('has description, usage, parameters, returns, errors and example', () => {
    expect(section).toContain(tool.description);
    expect(section).toContain(`**When to use:** ${tool.usage}`);
    for (const heading of ['### Parameters', '### Returns', '### Errors', '### Example']) expect(section).toContain(heading);
    for (const e of tool.errors) expect(section).toContain(`| \`${e.code}\` |`);
    for (const field of Object.keys(tool.input.shape)) expect(section).toContain(`| \`${field}\` |`);
  });

  test('has a copy-paste MCP call through the gateway with the example arguments', () => {
    expect(section).toContain(`name: '${gatewayToolName(tool)}'`);
    expect(section).toContain(`arguments: ${JSON.stringify(tool.examples[0].input, null, 2).replace(/\n/g, '\n  ')}`);
    expect(section).toContain("new StreamableHTTPClientTransport(new URL(process.env.GATEWAY_URL!)");
    expect(section).toContain(JSON.stringify(tool.examples[0].output, null, 2));
  });
});
