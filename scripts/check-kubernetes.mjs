// Checks Kubernetes manifests against the API's JSON schemas (npm kubernetes-models: the models of every
// built-in kind with their OpenAPI schemas, validated by ajv). ESM-only, hence a script of its own.
// Usage: node scripts/check-kubernetes.mjs FILE.yaml... ; prints one line per object, exits 1 on any error.
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';

const CORE_GROUP = 'v1';

async function modelFor(apiVersion, kind) {
  const modulePath = apiVersion.includes('/') ? `kubernetes-models/${apiVersion}` : `kubernetes-models/${CORE_GROUP}`;
  if (!apiVersion.includes('/') && apiVersion !== 'v1') return undefined;
  const models = await import(modulePath).catch(() => undefined);
  return models?.[kind];
}

let failed = false;
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) {
      console.log(`${file}: YAML error: ${document.errors[0].message}`);
      failed = true;
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    const label = `${file}: ${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;
    const Model = typeof object.apiVersion === 'string' && typeof object.kind === 'string' ? await modelFor(object.apiVersion, object.kind) : undefined;
    if (!Model) {
      console.log(`${label}: unknown apiVersion/kind ${object.apiVersion}/${object.kind}`);
      failed = true;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`${label}: valid`);
    } catch (error) {
      console.log(`${label}: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
