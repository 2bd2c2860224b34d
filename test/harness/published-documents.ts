import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAYER_VERSIONS } from '../../openapi/documents.js';

/** The committed contracts live here (`npm run openapi` writes them). */
export const OPENAPI_DIR = fileURLToPath(new URL('../../openapi/', import.meta.url));

/** File stems of the published documents: `system.v1`, `process.v1`, `experience.v1`. */
export const DOCUMENT_NAMES = LAYER_VERSIONS.map((lv) => lv.replace('/', '.'));

export interface MediaTypeObject {
  readonly schema?: Record<string, unknown>;
}
export interface ResponseObject {
  readonly description?: string;
  readonly content?: Record<string, MediaTypeObject>;
}
export interface OperationObject {
  readonly operationId?: string;
  readonly summary?: string;
  readonly tags?: string[];
  readonly security?: Record<string, string[]>[];
  readonly responses: Record<string, ResponseObject>;
}
export interface PublishedDocument {
  readonly servers: { url: string }[];
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, Record<string, unknown>> };
}

export interface PublishedOperation {
  /** e.g. `system.v1`. */
  readonly document: string;
  readonly doc: PublishedDocument;
  readonly method: string;
  /** The full path on the gateway, Hono style: `/system/v1/erp/customers/:customerId`. */
  readonly honoPath: string;
  readonly operation: OperationObject;
}

/** The committed bytes of `openapi/<name>.json` (or any file in that directory). */
export const readCommitted = (file: string): string => readFileSync(`${OPENAPI_DIR}${file}`, 'utf8');

export const loadCommittedDocuments = (): Record<string, PublishedDocument> =>
  Object.fromEntries(DOCUMENT_NAMES.map((name) => [name, JSON.parse(readCommitted(`${name}.json`)) as PublishedDocument]));

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every operation of the given documents, with its full gateway path (server url + path, `{x}` → `:x`). */
export const listOperations = (documents: Record<string, PublishedDocument>): PublishedOperation[] =>
  Object.entries(documents).flatMap(([document, doc]) => {
    const base = doc.servers[0]?.url ?? '';
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => ({ document, doc, method: method.toUpperCase(), honoPath: base + path.replace(/\{([^}]+)\}/g, ':$1'), operation })),
    );
  });

/** The published operation a concrete request (`GET /system/v1/erp/customers/8812?x=1`) lands on. */
export const operationFor = (operations: readonly PublishedOperation[], method: string, url: string): PublishedOperation => {
  const path = new URL(url, 'http://gateway.test').pathname;
  const found = operations.find((o) => {
    if (o.method !== method.toUpperCase()) return false;
    const pattern = new RegExp(`^${o.honoPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
    return pattern.test(path);
  });
  if (!found) throw new Error(`no published operation for ${method} ${path}`);
  return found;
};
