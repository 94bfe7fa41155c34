/* What the page needs before anything else: where the API is, and how to log in (/console/config.json). */

export interface ConsoleSettings {
  security_method: 'none' | 'keycloak' | 'apikey';
  oidc: { issuer: string; client_id: string } | null;
}

/** The page lives at `<base>/console/`; behind a proxy `<base>` is its prefix (e.g. `/codex`). */
export function apiBasePath(pathname = location.pathname): string {
  const at = pathname.lastIndexOf('/console/');
  return at >= 0 ? pathname.slice(0, at) : '';
}

/** The URL the identity provider sends the browser back to: this page, without query or hash. */
export function consoleUrl(): string {
  return `${location.origin}${apiBasePath()}/console/`;
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const response = await fetch(`${apiBasePath()}/console/config.json`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`the console's settings did not load (HTTP ${response.status})`);
  const body = (await response.json()) as Partial<ConsoleSettings>;
  if (body.security_method !== 'none' && body.security_method !== 'keycloak' && body.security_method !== 'apikey') {
    throw new Error('the console settings name no security method');
  }
  return { security_method: body.security_method, oidc: body.oidc ?? null };
}
