import { ApiError, type ErrorBody } from "@tasklane/contract";
import { describe, expect, it } from "vitest";
import { describeApiFailure } from "./api-errors";

function apiError(status: number, body: Partial<ErrorBody> = {}): ApiError {
  return new ApiError(status, {
    detail: "detail from the API",
    status_code: status,
    error_type: "internal_error",
    ...body,
  });
}

describe("describeApiFailure", () => {
  it("calls a failed fetch offline", () => {
    expect(describeApiFailure(new TypeError("Failed to fetch"))).toMatchObject({
      kind: "offline",
      message: expect.stringContaining("Can't reach the task server"),
    });
  });

  it("puts each 422 message on its form field", () => {
    const problem = describeApiFailure(
      apiError(422, {
        detail: "title must be 1-200 characters",
        error_type: "validation_error",
        errors: [
          { field: "title", message: "title must be 1-200 characters" },
          { field: "tags[3]", message: "each tag must be 1-50 characters" },
          { field: "tags[4]", message: "second tag message" },
        ],
      }),
    );
    expect(problem).toEqual({
      kind: "validation",
      message: "title must be 1-200 characters",
      fieldErrors: {
        title: "title must be 1-200 characters",
        tags: "each tag must be 1-50 characters",
      },
    });
  });

  it.each([
    [401, "unauthorized"],
    [404, "not_found"],
    [429, "rate_limited"],
    [503, "unavailable"],
    [500, "failed"],
  ])("maps %i to %s without leaking server details", (status, kind) => {
    const problem = describeApiFailure(apiError(status));
    expect(problem.kind).toBe(kind);
    expect(problem.message).not.toContain("detail from the API");
    expect(problem.fieldErrors).toEqual({});
  });

  it("shows the API's own words for other client errors", () => {
    expect(describeApiFailure(apiError(413, { detail: "body too large" })).message).toBe(
      "body too large",
    );
  });

  it("copes with an error without a body", () => {
    expect(describeApiFailure(new ApiError(502, null)).kind).toBe("failed");
  });
});
