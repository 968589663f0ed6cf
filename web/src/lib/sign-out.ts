import { query } from "@solidjs/router";

/** Ends the session (the edge clears the cookie) and forgets every cached read, so the next user starts clean. */
export async function signOut(): Promise<void> {
  await fetch("/auth/logout", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
    credentials: "same-origin",
  });
  query.clear();
}
