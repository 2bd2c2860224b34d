/**
 * `npm run openapi`: writes the published contracts from the routes themselves — one OpenAPI 3.1
 * document per layer and version, the TypeScript types openapi-typescript derives from each, and
 * the static reference page served at /docs. The files are committed; a test fails on drift.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPublishedDocuments, renderTypes } from './published.js';
import { renderDocsPage } from './docs-page.js';

const dir = fileURLToPath(new URL('./', import.meta.url));
const { documents, close } = buildPublishedDocuments();
for (const [name, document] of Object.entries(documents)) {
  writeFileSync(`${dir}${name}.json`, JSON.stringify(document, null, 2) + '\n');
  writeFileSync(`${dir}${name}.d.ts`, await renderTypes(document));
}
writeFileSync(`${dir}docs.html`, renderDocsPage(documents as Parameters<typeof renderDocsPage>[0]));
await close();
console.log(`wrote ${Object.keys(documents).map((n) => `openapi/${n}.json`).join(', ')}, their .d.ts types and openapi/docs.html`);
