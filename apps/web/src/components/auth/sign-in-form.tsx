"use client";

import Link from "next/link";
import { type FormEvent, useRef, useState } from "react";
import { Field } from "@/components/field";
import { type AuthProblem, describeAuthFailure } from "@/lib/auth-errors";
import { authClient } from "@/lib/browser-session";
import { runAuthRequest } from "./auth-request";

export function SignInForm({ next, notice }: { next: string; notice?: string | undefined }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<AuthProblem | null>(null);
  const [pending, setPending] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    const failure = await runAuthRequest((fetchOptions) =>
      authClient.signIn.email({ email, password }, fetchOptions),
    );
    if (failure === null) {
      // A full page load, so the server renders the next page with the new session.
      window.location.assign(next);
      return;
    }
    const described = describeAuthFailure(failure);
    setProblem(described);
    setPending(false);
    (described.field === "email" ? emailRef : passwordRef).current?.focus();
  }

  const signUpHref = next === "/" ? "/sign-up" : `/sign-up?next=${encodeURIComponent(next)}`;
  return (
    <form className="form" onSubmit={submit} noValidate>
      {notice ? (
        <p className="alert alert-info" role="status">
          {notice}
        </p>
      ) : null}
      {problem && !problem.field ? (
        <p className="alert" role="alert">
          {problem.message}
        </p>
      ) : null}
      <Field
        id="email"
        label="Email"
        error={problem?.field === "email" ? problem.message : undefined}
      >
        {(control) => (
          <input
            {...control}
            ref={emailRef}
            className="input"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        )}
      </Field>
      <Field
        id="password"
        label="Password"
        error={problem?.field === "password" ? problem.message : undefined}
      >
        {(control) => (
          <input
            {...control}
            ref={passwordRef}
            className="input"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </Field>
      {problem?.field ? (
        <p className="visually-hidden" role="alert">
          {problem.message}
        </p>
      ) : null}
      <button className="button button-primary" type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="auth-switch">
        New to Tasklane? <Link href={signUpHref}>Create an account</Link>
      </p>
    </form>
  );
}
