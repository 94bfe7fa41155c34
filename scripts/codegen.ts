/**
 * Writes generated/api.d.ts from openapi.yaml with openapi-typescript.
 * `--check` writes nothing and fails when generated/ is stale (CI runs it).
 */
import fs from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const root = path.resolve(__dirname, '..');
const specPath = path.join(root, 'openapi.yaml');
const outputPath = path.join(root, 'generated', 'api.d.ts');

const BANNER = `/**
 * GENERATED FILE, DO NOT EDIT.
 * Source: openapi.yaml. Regenerate with \`npm run codegen\`; CI fails when this file is stale.
 */

`;

async function render(): Promise<string> {
  const ast = await openapiTS(fs.readFileSync(specPath, 'utf8'), {
    alphabetize: false,
    exportType: false,
    // A default in the spec does not make a request field required for callers.
    defaultNonNullable: false,
  });
  return BANNER + astToString(ast);
}

async function main(): Promise<void> {
  const expected = await render();
  if (process.argv.includes('--check')) {
    const actual = fs.existsSync(outputPath) ? fs.readFileSync(outputPath, 'utf8') : '';
    if (actual !== expected) {
      console.error(`${path.relative(root, outputPath)} is stale: run \`npm run codegen\` and commit the result.`);
      process.exit(1);
    }
    console.log('generated/ matches openapi.yaml');
    return;
  }
  fs.mkdirSync(path.dirname(outputPath), { recursive: true });
  fs.writeFileSync(outputPath, expected);
  console.log(`wrote ${path.relative(root, outputPath)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
