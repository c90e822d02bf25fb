import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@tasklane/auth/client";

/** An error as Better Auth's client reports it (`status` 0 when the request never got an answer). */
export interface AuthFailure {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  /** From the X-Retry-After header of a 429. */
  retryAfterSeconds?: number | undefined;
}

export type AuthField = "name" | "email" | "password";

export interface AuthProblem {
  message: string;
  /** The field the message belongs next to; none for a form-wide message. */
  field?: AuthField;
}

export const WEAK_PASSWORD_MESSAGE = `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`;

/** Checks done before asking the server, with the same rules it applies. */
export function checkPassword(password: string): AuthProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return { field: "password", message: WEAK_PASSWORD_MESSAGE };
  if (password.length > PASSWORD_MAX_LENGTH) {
    return { field: "password", message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  return null;
}

export function describeAuthFailure(failure: AuthFailure): AuthProblem {
  if (failure.status === 429) {
    const wait = failure.retryAfterSeconds;
    return {
      message: `Too many attempts. Wait ${wait ? `${wait} second${wait === 1 ? "" : "s"}` : "a moment"} and try again.`,
    };
  }
  switch (failure.code) {
    case "INVALID_EMAIL_OR_PASSWORD":
      return {
        field: "password",
        message: "Wrong email or password. Check both and try again.",
      };
    case "INVALID_PASSWORD":
      return { field: "password", message: "That password is not correct." };
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return {
        field: "email",
        message:
          "An account with this email already exists. Sign in instead, or use another email.",
      };
    case "PASSWORD_TOO_SHORT":
      return { field: "password", message: WEAK_PASSWORD_MESSAGE };
    case "PASSWORD_TOO_LONG":
      return { field: "password", message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
    case "INVALID_EMAIL":
      return { field: "email", message: "Enter a valid email address." };
    // Server-side rules of packages/auth: its message says which.
    case "PASSWORD_TOO_WEAK":
      return { field: "password", message: failure.message || WEAK_PASSWORD_MESSAGE };
    case "PASSWORD_REQUIRED":
      return { field: "password", message: "Enter your password." };
  }
  if (failure.status === 0) {
    return { message: "Can't reach the server. Check your connection and try again." };
  }
  if (failure.status >= 500) {
    return { message: "Something went wrong on our side. Try again in a moment." };
  }
  return { message: failure.message || "That did not work. Try again." };
}
