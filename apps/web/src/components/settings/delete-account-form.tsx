"use client";

import { type FormEvent, useState } from "react";
import { runAuthRequest } from "@/components/auth/auth-request";
import { Field } from "@/components/field";
import { type AuthProblem, describeAuthFailure } from "@/lib/auth-errors";
import { apiTokens, authClient } from "@/lib/browser-session";

/** Deletes the account after the password is confirmed; the database cascades to every task. */
export function DeleteAccountForm({ email }: { email: string }) {
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<AuthProblem | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password === "") {
      setProblem({ field: "password", message: "Enter your password to confirm." });
      return;
    }
    setPending(true);
    setProblem(null);
    const failure = await runAuthRequest((fetchOptions) =>
      authClient.deleteUser({ password }, fetchOptions),
    );
    if (failure === null) {
      apiTokens.clear();
      window.location.assign("/sign-in?notice=account-deleted");
      return;
    }
    setPending(false);
    setProblem(describeAuthFailure(failure));
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {/* Tells password managers which account the password belongs to. */}
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      {problem && !problem.field ? (
        <p className="alert" role="alert">
          {problem.message}
        </p>
      ) : null}
      <Field
        id="delete-password"
        label="Your password"
        hint="This cannot be undone."
        error={problem?.field ? problem.message : undefined}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </Field>
      <div>
        <button type="submit" className="button button-danger" disabled={pending}>
          {pending ? "Deleting…" : "Delete my account and all my tasks"}
        </button>
      </div>
    </form>
  );
}
