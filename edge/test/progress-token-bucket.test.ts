import { describe, expect, it } from "vitest";
import { fullBucket, takeToken } from "../src/request-progress/token-bucket.ts";

const rate = { burst: 3, perSecond: 1 };

describe("takeToken", () => {
  it("allows a burst, then refuses until time refills the bucket", () => {
    let bucket = fullBucket(rate);
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const taken = takeToken(bucket, 1000, rate);
      allowed.push(taken.ok);
      bucket = taken.bucket;
    }
    expect(allowed).toEqual([true, true, true, false]);
    expect(takeToken(bucket, 2000, rate).ok).toBe(true);
  });

  it("never refills beyond the burst", () => {
    expect(takeToken({ tokens: 0, at: 0 }, 1_000_000, rate).bucket.tokens).toBe(2);
  });
});
