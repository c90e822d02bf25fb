import { ApiError } from "@tasklane/contract";

export type ProblemKind =
  | "offline"
  | "unauthorized"
  | "validation"
  | "not_found"
  | "rate_limited"
  | "unavailable"
  | "failed";

/** What went wrong with an API request, in words for the person using the app. */
export interface Problem {
  kind: ProblemKind;
  message: string;
  /** For a 422: the message for each form field (`tags[2]` is reported on `tags`). */
  fieldErrors: Record<string, string>;
}

const MESSAGES: Record<ProblemKind, string> = {
  offline: "Can't reach the task server. Check that it is running and your connection, then retry.",
  unauthorized: "Your session has ended. Taking you to sign in…",
  validation: "Some values need fixing.",
  not_found: "That task no longer exists. It may have been deleted in another window.",
  rate_limited: "Too many requests in a short time. Wait a moment, then retry.",
  unavailable: "The task server can't reach its database right now. Retry in a moment.",
  failed: "Something went wrong on the task server. Retry in a moment.",
};

/** `tags[2]` → `tags`, `due_date` → `due_date`. */
function formField(field: string): string {
  return field.replace(/\[\d+\]$/, "");
}

function fieldErrorsOf(error: ApiError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { field, message } of error.fieldErrors) {
    const name = formField(field);
    // The first message per field is the one to fix first.
    errors[name] ??= message;
  }
  return errors;
}

/** Maps anything a client call can throw to a Problem. */
export function describeApiFailure(error: unknown): Problem {
  if (!(error instanceof ApiError)) {
    // fetch rejects (TypeError) when the server is down or the network (or CORS) fails.
    return { kind: "offline", message: MESSAGES.offline, fieldErrors: {} };
  }
  const problem = (kind: ProblemKind, message = MESSAGES[kind]): Problem => ({
    kind,
    message,
    fieldErrors: kind === "validation" ? fieldErrorsOf(error) : {},
  });
  switch (error.status) {
    case 401:
      return problem("unauthorized");
    case 404:
      return problem("not_found");
    case 422:
      return problem("validation", error.body?.detail ?? MESSAGES.validation);
    case 429:
      return problem("rate_limited");
    case 503:
      return problem("unavailable");
    default:
      if (error.status >= 500) return problem("failed");
      // 400 and 413 carry a precise detail (bad JSON, body too large).
      return problem("failed", error.body?.detail ?? MESSAGES.failed);
  }
}
