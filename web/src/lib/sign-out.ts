import { query } from "@solidjs/router";

/**
 * Ends the session on the edge (and clears the cookie), or with `everywhere` every session of the person
 * on every device; then forgets every cached read, so the next user starts clean.
 */
export async function signOut(options: { everywhere?: boolean } = {}): Promise<void> {
  await fetch("/auth/logout", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ everywhere: options.everywhere ?? false }),
    credentials: "same-origin",
  });
  query.clear();
}
