import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startTestBridge, type TestBridge } from '../support/bridge';
import {
  describeWithKeycloak,
  distributionBinDir,
  keycloakStartTimeoutMs,
  startKeycloakDev,
  type DevKeycloakHandle,
} from '../support/keycloak';

/*
 * compose.yaml cannot run here (no registry for its images), so its moving parts run without Docker:
 * its keycloak-setup job, word for word (kcadm.sh against a Keycloak with the shipped realm), then the
 * bridge with compose's own Keycloak variables, and one chat per user the job created.
 */

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

interface ComposeService {
  environment?: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  volumes?: string[];
}
const compose = parse(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

/** Compose's `${VAR:?...}` / `${VAR:-default}` interpolation with `values`, and `$$` to `$`. */
function interpolate(text: string, values: Record<string, string>): string {
  return text
    .replace(/\$\{(\w+)(?::[?-][^}]*)?\}/g, (_whole, name: string) => values[name] ?? '')
    .replace(/\$\$/g, '$');
}

const secrets = {
  KEYCLOAK_CLIENT_SECRET: 'c0ffee'.repeat(10),
  ALICE_PASSWORD: 'alice-compose-pw',
  BOB_PASSWORD: 'bob-compose-pw',
  OPENAI_API_KEY: 'sk-test-key',
};

describeWithKeycloak('compose.yaml without Docker', () => {
  let keycloak: DevKeycloakHandle;
  let bridge: TestBridge | undefined;

  beforeAll(async () => {
    keycloak = await startKeycloakDev([]);
  }, keycloakStartTimeoutMs());
  afterAll(async () => {
    await bridge?.stop();
    await keycloak?.stop();
  });

  it('imports the shipped realm under the name --import-realm needs', () => {
    const mount = compose.services.keycloak?.volumes?.find((volume) => volume.includes('codex-bridge-realm.json'));
    const realm = JSON.parse(fs.readFileSync(path.join(root, 'deploy/keycloak/codex-bridge-realm.json'), 'utf8')) as {
      realm: string;
    };
    expect(mount?.split(':')[1]).toBe(`/opt/keycloak/data/import/${realm.realm}-realm.json`);
  });

  it('its setup job gives the bridge its secret and creates alice and bob, who then chat through the bridge', async () => {
    const setup = compose.services['keycloak-setup']!;
    expect(setup.entrypoint?.slice(0, 1)).toEqual(['/bin/bash']);
    const adminPassword = fs.readFileSync(path.join(keycloak.stateDir, 'admin-password'), 'utf8').trim();
    const script = interpolate(setup.command?.[0] ?? '', {})
      .replace('/opt/keycloak/bin/kcadm.sh', path.join(await distributionBinDir(), 'kcadm.sh'))
      .replace('http://keycloak:8080', keycloak.baseUrl);
    const kcadmHome = fs.mkdtempSync(path.join(keycloak.stateDir, 'home-'));
    const { stdout } = await run('bash', ['-euc', script], {
      env: { ...process.env, ...keycloak.javaEnv, HOME: kcadmHome, KC_ADMIN_PASSWORD: adminPassword, ...secrets },
      timeout: 120_000,
    });
    expect(stdout).toContain('realm codex ready');

    // The bridge exactly as compose configures it, Keycloak's service name replaced by its address here.
    const environment = Object.fromEntries(
      Object.entries(compose.services.bridge?.environment ?? {}).map(([name, value]) => [
        name,
        interpolate(String(value), secrets).replace('http://keycloak:8080', keycloak.baseUrl),
      ]),
    );
    bridge = await startTestBridge({ ...environment, HOST: '127.0.0.1' });
    // Both users log in with the passwords the job set (before any chat: one run on a loaded machine saw
    // bob's password grant refused after alice's chat, not reproduced since).
    const tokens = {
      alice: (await keycloak.userToken({ username: 'alice', password: secrets.ALICE_PASSWORD })).accessToken,
      bob: (await keycloak.userToken({ username: 'bob', password: secrets.BOB_PASSWORD })).accessToken,
    };
    for (const [username, accessToken] of Object.entries(tokens)) {
      const res = await fetch(`${bridge.url}/chat`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ messages: [{ content: `hello from ${username}` }], stream: false }),
      });
      expect({ username, status: res.status }).toEqual({ username, status: 200 });
    }
    // Two Keycloak users, two homes.
    expect(fs.readdirSync(path.join(bridge.dataDir, 'users'))).toHaveLength(2);
  }, 240_000);
});
