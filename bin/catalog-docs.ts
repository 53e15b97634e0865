/**
 * Writes docs/tools.md from the tool catalog. `--check` exits 1 (and writes nothing) when the
 * committed file differs, for CI.
 *
 *   npm run catalog:docs            # regenerate
 *   npm run catalog:docs -- --check # verify
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolCatalog } from '../catalog';
import { renderCatalogDocs } from '../catalog/docs';

export const CATALOG_DOCS_PATH = path.join(__dirname, '..', 'docs', 'tools.md');

function main(argv: readonly string[]): number {
  const doc = renderCatalogDocs(toolCatalog);
  const current = fs.existsSync(CATALOG_DOCS_PATH) ? fs.readFileSync(CATALOG_DOCS_PATH, 'utf8') : '';
  if (argv.includes('--check')) {
    if (current === doc) {
      console.log(`${path.relative(process.cwd(), CATALOG_DOCS_PATH)} is up to date (${toolCatalog.length} tools).`);
      return 0;
    }
    console.error(`${path.relative(process.cwd(), CATALOG_DOCS_PATH)} is out of date: run npm run catalog:docs`);
    return 1;
  }
  fs.mkdirSync(path.dirname(CATALOG_DOCS_PATH), { recursive: true });
  fs.writeFileSync(CATALOG_DOCS_PATH, doc);
  console.log(`Wrote ${path.relative(process.cwd(), CATALOG_DOCS_PATH)}: ${toolCatalog.length} tools.`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
