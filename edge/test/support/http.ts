import { exports } from "cloudflare:workers";

/** The local stack's origin: the dev login only answers on loopback hosts. */
export const LOCAL = "http://127.0.0.1:8787";

type Fetch = (request: Request) => Promise<Response>;
const workerFetch: Fetch = (request) => exports.default.fetch(request);

/** Signs in through `POST /auth/dev-login` and returns the Cookie header to send back. */
export async function devLogin(
  email: string,
  options: { base?: string; fetch?: Fetch } = {},
): Promise<string> {
  const base = options.base ?? LOCAL;
  const response = await (options.fetch ?? workerFetch)(
    new Request(`${base}/auth/dev-login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: new URL(base).origin },
      body: JSON.stringify({ email }),
    }),
  );
  if (response.status !== 200) throw new Error(`dev login failed: ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

export function trpcQuery(
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
  fetch: Fetch = workerFetch,
) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return fetch(new Request(`${LOCAL}/trpc/${path}${query}`, { headers }));
}

export function trpcMutation(
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
  fetch: Fetch = workerFetch,
) {
  return fetch(
    new Request(`${LOCAL}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: LOCAL, ...headers },
      body: JSON.stringify(input),
    }),
  );
}

interface TrpcBody<T> {
  result?: { data: T };
  error?: {
    message: string;
    data: { code: string; httpStatus: number; fields?: { path: string; message: string }[] };
  };
}

export const body = async <T>(response: Response) => (await response.json()) as TrpcBody<T>;
