import { describe, expect, it } from "vitest";
import { checkPassword, describeAuthFailure, WEAK_PASSWORD_MESSAGE } from "./auth-errors";

describe("describeAuthFailure", () => {
  it("says a wrong password without telling which of email or password was wrong", () => {
    expect(describeAuthFailure({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" })).toEqual({
      field: "password",
      message: "Wrong email or password. Check both and try again.",
    });
  });

  it("puts an email already taken next to the email", () => {
    expect(
      describeAuthFailure({ status: 422, code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" }),
    ).toMatchObject({ field: "email", message: expect.stringContaining("already exists") });
  });

  it("explains a weak password", () => {
    expect(describeAuthFailure({ status: 400, code: "PASSWORD_TOO_SHORT" })).toEqual({
      field: "password",
      message: WEAK_PASSWORD_MESSAGE,
    });
  });

  it("puts the server's reason for a common password next to the password", () => {
    const message = "This password is one of the most common ones.";
    expect(describeAuthFailure({ status: 400, code: "PASSWORD_TOO_WEAK", message })).toEqual({
      field: "password",
      message,
    });
  });

  it("says how long to wait after too many attempts", () => {
    expect(describeAuthFailure({ status: 429, retryAfterSeconds: 7 }).message).toBe(
      "Too many attempts. Wait 7 seconds and try again.",
    );
    expect(describeAuthFailure({ status: 429 }).message).toBe(
      "Too many attempts. Wait a moment and try again.",
    );
  });

  it("tells an unreachable server from a failing one", () => {
    expect(describeAuthFailure({ status: 0 }).message).toContain("Can't reach the server");
    expect(describeAuthFailure({ status: 500, message: "stack…" }).message).not.toContain("stack");
  });
});

describe("checkPassword", () => {
  it("applies the server's length rules", () => {
    expect(checkPassword("1234567")).toEqual({ field: "password", message: WEAK_PASSWORD_MESSAGE });
    expect(checkPassword("12345678")).toBeNull();
    expect(checkPassword("x".repeat(129))?.field).toBe("password");
  });
});
