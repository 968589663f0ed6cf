/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** OIDC issuer for production sign-in; unset builds offer only the local dev login. */
  readonly VITE_OIDC_ISSUER?: string;
  readonly VITE_OIDC_CLIENT_ID?: string;
  readonly VITE_OIDC_SCOPE?: string;
  readonly VITE_OIDC_AUDIENCE?: string;
}
