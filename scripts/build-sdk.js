#!/usr/bin/env node
// Builds the SDK as its own npm package in dist/sdk-package (codex-api-bridge-sdk): ESM and CJS bundles of
// src/sdk, its .d.ts files, and a package.json whose only dependencies are the three libraries the SDK uses.
// `npm run pack:sdk` packs it. Nothing of the server (express, codex, pino, dotenv) is in it.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'sdk-package');
const rootPackage = require(path.join(root, 'package.json'));
const RUNTIME_DEPENDENCIES = ['openapi-fetch', 'eventsource-parser', 'standardwebhooks'];

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'dist'), { recursive: true });

for (const [format, file] of [
  ['esm', 'index.mjs'],
  ['cjs', 'index.cjs'],
]) {
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src', 'sdk', 'index.ts')],
    outfile: path.join(out, 'dist', file),
    bundle: true,
    format,
    platform: 'neutral',
    target: 'es2022',
    external: RUNTIME_DEPENDENCIES,
    sourcemap: true,
    legalComments: 'none',
  });
}

execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.sdk-types.json')],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// tsc does not copy hand-written .d.ts files; the SDK's types import the generated ones.
fs.mkdirSync(path.join(out, 'dist', 'types', 'generated'), { recursive: true });
fs.copyFileSync(path.join(root, 'generated', 'api.d.ts'), path.join(out, 'dist', 'types', 'generated', 'api.d.ts'));

const types = './dist/types/src/sdk/index.d.ts';
const sdkPackage = {
  name: 'codex-api-bridge-sdk',
  version: rootPackage.version,
  description:
    'Typed client for the Codex API Bridge (generated from its openapi.yaml): chat, SSE streams, threads, approvals',
  license: rootPackage.license,
  engines: { node: '>=18' },
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.mjs',
  types,
  exports: {
    '.': {
      types,
      import: './dist/index.mjs',
      require: './dist/index.cjs',
    },
    './package.json': './package.json',
  },
  files: ['dist'],
  dependencies: Object.fromEntries(RUNTIME_DEPENDENCIES.map((name) => [name, rootPackage.dependencies[name]])),
};
for (const [name, range] of Object.entries(sdkPackage.dependencies)) {
  if (!range) throw new Error(`${name} is not a dependency of the bridge; the SDK package needs its version range`);
}
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(sdkPackage, null, 2)}\n`);
fs.writeFileSync(
  path.join(out, 'README.md'),
  '# codex-api-bridge-sdk\n\nTyped client for the Codex API Bridge. See the bridge\'s README, section "SDK package".\n\n' +
    "```ts\nimport { createBridgeClient } from 'codex-api-bridge-sdk';\n\nconst client = createBridgeClient({ baseUrl: 'http://127.0.0.1:8000' });\n" +
    "for await (const { event } of client.streamChat({ messages: [{ content: 'Hello' }] })) console.log(event.type);\n```\n",
);
console.log(`wrote ${path.relative(root, out)} (${sdkPackage.name}@${sdkPackage.version})`);
