import { ApiError } from "@tasklane/contract";
import { describe, expect, it } from "vitest";
import { shouldRetryRead } from "./query-client";

describe("shouldRetryRead", () => {
  it("retries once when the server was unreachable or failed", () => {
    expect(shouldRetryRead(0, new TypeError("fetch failed"))).toBe(true);
    expect(shouldRetryRead(0, new ApiError(503, null))).toBe(true);
    expect(shouldRetryRead(1, new ApiError(503, null))).toBe(false);
  });

  it("does not retry the server's verdicts", () => {
    for (const status of [400, 401, 404, 422, 429]) {
      expect(shouldRetryRead(0, new ApiError(status, null))).toBe(false);
    }
  });
});
