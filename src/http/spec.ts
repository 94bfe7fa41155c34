import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { OpenAPIV3 } from 'express-openapi-validator/dist/framework/types';

export type OpenApiDocument = OpenAPIV3.DocumentV3_1;

function findSpecFile(): string {
  // Walk up from this file so the same code finds the spec from src/ (tsx) and dist/src/ (compiled).
  let directory = __dirname;
  for (;;) {
    const candidate = path.join(directory, 'openapi.yaml');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('openapi.yaml not found above ' + __dirname);
    directory = parent;
  }
}

export interface LoadedSpec {
  /** The one parsed document: it feeds the validator, Swagger UI and /openapi.json. */
  document: OpenApiDocument;
  /** The file as written, served at /openapi.yaml. */
  yaml: string;
}

let cached: LoadedSpec | undefined;

export function loadSpec(): LoadedSpec {
  if (!cached) {
    const yaml = fs.readFileSync(findSpecFile(), 'utf8');
    cached = { yaml, document: YAML.parse(yaml) as OpenApiDocument };
  }
  return cached;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface SpecOperation {
  operationId: string;
  method: HttpMethod;
  /** The spec's path, e.g. `/threads/{thread_id}`. */
  path: string;
  /** Express's form of the path, e.g. `/threads/:thread_id`. */
  expressPath: string;
  public: boolean;
}

export function operationsOf(document: OpenApiDocument): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [specPath, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Partial<Record<HttpMethod, OpenAPIV3.OperationObject>> | undefined)?.[method];
      if (!operation?.operationId) continue;
      const security = operation.security ?? document.security ?? [];
      operations.push({
        operationId: operation.operationId,
        method,
        path: specPath,
        expressPath: specPath.replace(/\{([^}]+)\}/g, ':$1'),
        public: security.length === 0,
      });
    }
  }
  return operations;
}

/** A prefix a reverse proxy may announce: path segments of safe characters only. */
const SAFE_PREFIX = /^(\/[A-Za-z0-9._~-]+)+\/?$/;

/** X-Forwarded-Prefix, when a reverse proxy serves the bridge under a path (e.g. `/codex`). */
export function forwardedPrefix(header: string | undefined): string | undefined {
  const value = header?.split(',')[0]?.trim();
  return value && SAFE_PREFIX.test(value) ? value.replace(/\/$/, '') : undefined;
}

/**
 * The document as seen from behind a proxy: its first server becomes the prefix, so Swagger UI's
 * Try it out calls `/codex/chat`, not the host's `/chat`. A shallow copy: the one loaded document
 * (which the validator uses) is never changed.
 */
export function documentForPrefix(document: OpenApiDocument, prefix: string | undefined): OpenApiDocument {
  if (!prefix) return document;
  const [first, ...rest] = document.servers ?? [];
  return {
    ...document,
    servers: [{ ...first, url: `${prefix}/`, description: `This bridge, behind the proxy prefix ${prefix}` }, ...rest],
  };
}
