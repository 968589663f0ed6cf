/** Thrown by `JobContext.assertLease()`: the lease could have expired at the edge, so no more mutations. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}
