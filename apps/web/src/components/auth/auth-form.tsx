"use client";

import { useState } from "react";
import { type AuthField, type AuthProblem, describeAuthFailure } from "@/lib/auth-errors";
import { type AuthRequest, runAuthRequest } from "./auth-request";

/**
 * The state every account form keeps: the problem on show and whether a request is under way.
 * `onProblem` runs whenever a problem is shown, to put the focus where the person can fix it.
 */
export function useAuthForm(onProblem?: (problem: AuthProblem) => void) {
  const [problem, setProblem] = useState<AuthProblem | null>(null);
  const [pending, setPending] = useState(false);

  function show(found: AuthProblem) {
    setProblem(found);
    onProblem?.(found);
  }

  /**
   * Sends a Better Auth request and tells whether it succeeded. On success the form stays
   * pending, as what follows is a page load; on failure it shows why.
   */
  async function send(request: AuthRequest): Promise<boolean> {
    setPending(true);
    setProblem(null);
    const failure = await runAuthRequest(request);
    if (failure === null) return true;
    setPending(false);
    show(describeAuthFailure(failure));
    return false;
  }

  /** The message to show next to `field`, if the problem is about it. */
  function fieldError(field: AuthField): string | undefined {
    return problem?.field === field ? problem.message : undefined;
  }

  return { problem, pending, show, send, fieldError };
}

/** A problem with the whole form rather than one field, shown above the fields. */
export function FormProblemAlert({ problem }: { problem: AuthProblem | null }) {
  return problem && !problem.field ? (
    <p className="alert" role="alert">
      {problem.message}
    </p>
  ) : null;
}

/** Announces a field's problem, which is shown next to the field, to screen readers. */
export function FieldProblemAlert({ problem }: { problem: AuthProblem | null }) {
  return problem?.field ? (
    <p className="visually-hidden" role="alert">
      {problem.message}
    </p>
  ) : null;
}
