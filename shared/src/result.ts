/** Expected failures travel as values: plain data crosses DO RPC and WebSocket boundaries intact. */
export type Result<TValue, TError> = { ok: true; value: TValue } | { ok: false; error: TError };

export const ok = <TValue>(value: TValue): Result<TValue, never> => ({ ok: true, value });
export const err = <TError>(error: TError): Result<never, TError> => ({ ok: false, error });
