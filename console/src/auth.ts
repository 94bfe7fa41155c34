import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { consoleUrl, type ConsoleSettings } from './config';

/*
 * Who the page calls the API as. A pasted token (an API key, or a Keycloak access token got elsewhere)
 * or a Keycloak login through the authorization-code flow with PKCE (oidc-client-ts). Both live in
 * sessionStorage: gone with the tab, never in a cookie the bridge would have to guard against CSRF.
 */

const TOKEN_KEY = 'codex-console.token';

export interface Auth {
  /** The bearer token to send now, if any (an OIDC token is refreshed before it expires). */
  token(): Promise<string | undefined>;
  /** Whether the page may call the API (always with SECURITY_METHOD=None). */
  signedIn(): Promise<boolean>;
  /** Who is signed in, for the header. */
  who(): Promise<string>;
  usePastedToken(token: string): void;
  /** Why the last login redirect did not sign in, if it did not. */
  loginProblem: string | undefined;
  /** Redirects to the identity provider; undefined without one. */
  login: (() => Promise<void>) | undefined;
  logout(): Promise<void>;
}

export async function createAuth(settings: ConsoleSettings): Promise<Auth> {
  const oidc = settings.oidc
    ? new UserManager({
        authority: settings.oidc.issuer,
        client_id: settings.oidc.client_id,
        redirect_uri: consoleUrl(),
        post_logout_redirect_uri: consoleUrl(),
        response_type: 'code',
        scope: 'openid',
        userStore: new WebStorageStateStore({ store: sessionStorage }),
        stateStore: new WebStorageStateStore({ store: sessionStorage }),
        // Refreshes with the refresh token (a fetch); session monitoring would need an iframe the CSP refuses.
        automaticSilentRenew: true,
        monitorSession: false,
      })
    : undefined;
  const loginProblem = oidc ? await finishLoginRedirect(oidc) : undefined;

  const pasted = (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  const oidcToken = async (): Promise<string | undefined> => {
    const user = await oidc?.getUser();
    return user && !user.expired ? user.access_token : undefined;
  };
  const token = async (): Promise<string | undefined> => pasted() ?? (await oidcToken());

  return {
    token,
    signedIn: async () => settings.security_method === 'none' || (await token()) !== undefined,
    async who() {
      if (settings.security_method === 'none') return 'no login (SECURITY_METHOD=None)';
      if (pasted()) return 'pasted token';
      const user = await oidc?.getUser();
      const profile = user?.profile;
      return profile?.preferred_username ?? profile?.sub ?? 'signed in';
    },
    usePastedToken(value) {
      sessionStorage.setItem(TOKEN_KEY, value.trim());
    },
    loginProblem,
    login: oidc ? () => oidc.signinRedirect() : undefined,
    async logout() {
      const hadPasted = pasted() !== undefined;
      sessionStorage.removeItem(TOKEN_KEY);
      const user = await oidc?.getUser();
      if (!oidc || !user || hadPasted) return;
      await oidc.removeUser();
      await oidc.signoutRedirect({ id_token_hint: user.id_token });
    },
  };
}

/**
 * Back from the identity provider with `?code=…&state=…`: trade the code for tokens, then clean the URL.
 * Answers why that failed (an `?error=` from the provider, a refused exchange), if it did.
 */
async function finishLoginRedirect(oidc: UserManager): Promise<string | undefined> {
  const query = new URLSearchParams(location.search);
  if (!query.has('state') || (!query.has('code') && !query.has('error'))) return undefined;
  try {
    await oidc.signinRedirectCallback();
    return undefined;
  } catch (error) {
    return `The login did not complete: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    history.replaceState(null, '', `${location.pathname}${location.hash}`);
  }
}
