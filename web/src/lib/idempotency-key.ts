/** A fresh key for one form submission attempt; retries of the same attempt reuse it. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One key per distinct input: the same input again (a double click, a retry after a lost response) gets
 * the same key and so creates one thing; a changed input after a failure is a new submission, a new key.
 */
export function makeInputKeys(): (input: unknown) => string {
  let key = newIdempotencyKey();
  let sentWith: string | null = null;
  return (input) => {
    const fingerprint = JSON.stringify(input);
    if (sentWith !== null && sentWith !== fingerprint) key = newIdempotencyKey();
    sentWith = fingerprint;
    return key;
  };
}
