/** Hono's type parameters for the edge app: bindings from wrangler.toml. */
export interface EdgeEnv {
  Bindings: Env;
}
