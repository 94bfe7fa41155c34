import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envSchema } from '../../src/config/env';
import { makeTempDir } from '../support/tempDir';

/*
 * deploy/kubernetes/*.yaml against the Kubernetes API schemas (scripts/check-kubernetes.mjs, npm
 * kubernetes-models), and against the bridge itself: every variable the StatefulSet sets is one the
 * bridge reads, the volume is ReadWriteMany, the ingress hashes on the user.
 */

const root = path.resolve(__dirname, '../..');
const manifests = ['bridge.yaml', 'redis.yaml', 'ingress.yaml'].map((name) => path.join(root, 'deploy/kubernetes', name));

function check(files: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/check-kubernetes.mjs'), ...files], { encoding: 'utf8', cwd: root });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** A manifest object, read loosely: the schema check above is what vouches for its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- nested Kubernetes objects, checked by the schema test
type Manifest = Record<string, any>;

function objects(file: string): Manifest[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((document) => document.toJS() as Manifest);
}

it('the shipped manifests are valid Kubernetes objects', () => {
  const { status, output } = check(manifests);
  const lines = output.trim().split('\n');
  expect(lines.filter((line) => !line.endsWith(': valid'))).toEqual([]);
  expect(status).toBe(0);
  expect(lines.length).toBe(manifests.flatMap(objects).length);
});

it('the schema check refuses a broken manifest', () => {
  const dir = makeTempDir('k8s-');
  try {
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, fs.readFileSync(manifests[0]!, 'utf8').replace('replicas: 3', 'replicas: three'));
    const { status, output } = check([broken]);
    expect(status).toBe(1);
    expect(output).toMatch(/StatefulSet codex-bridge: .*replicas must be integer/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('the StatefulSet sets only variables the bridge reads, on a shared volume, and the ingress hashes', () => {
  const bridge = objects(manifests[0]!);
  const statefulSet = bridge.find((object) => object.kind === 'StatefulSet')!;
  const container = statefulSet.spec.template.spec.containers[0];
  const known = new Set([...Object.keys(envSchema.shape), 'POD_NAME', 'POD_NAMESPACE', 'REDIS_PASSWORD']);
  expect(container.env.map((entry: { name: string }) => entry.name).filter((name: string) => !known.has(name))).toEqual([]);
  expect(bridge.find((object) => object.kind === 'PersistentVolumeClaim')!.spec.accessModes).toEqual(['ReadWriteMany']);
  expect(container.readinessProbe.httpGet.path).toBe('/readyz');
  const ingress = objects(manifests[2]!)[0]!;
  expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/upstream-hash-by']).toBeTruthy();
});
