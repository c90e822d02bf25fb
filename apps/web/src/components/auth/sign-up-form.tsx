"use client";

import Link from "next/link";
import { type FormEvent, useRef, useState } from "react";
import { Field } from "@/components/field";
import {
  type AuthField,
  type AuthProblem,
  checkPassword,
  describeAuthFailure,
} from "@/lib/auth-errors";
import { authClient } from "@/lib/browser-session";
import { runAuthRequest } from "./auth-request";

export function SignUpForm({ next }: { next: string }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<AuthProblem | null>(null);
  const [pending, setPending] = useState(false);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  function show(described: AuthProblem) {
    setProblem(described);
    if (described.field) refs[described.field].current?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (name.trim() === "") return show({ field: "name", message: "Enter your name." });
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) {
      return show({ field: "email", message: "Enter a valid email address." });
    }
    const weak = checkPassword(password);
    if (weak) return show(weak);

    setPending(true);
    const failure = await runAuthRequest((fetchOptions) =>
      authClient.signUp.email({ name: name.trim(), email: email.trim(), password }, fetchOptions),
    );
    if (failure === null) {
      window.location.assign(next);
      return;
    }
    setPending(false);
    show(describeAuthFailure(failure));
  }

  const fieldError = (field: AuthField) => (problem?.field === field ? problem.message : undefined);
  const signInHref = next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
  return (
    <form className="form" onSubmit={submit} noValidate>
      {problem && !problem.field ? (
        <p className="alert" role="alert">
          {problem.message}
        </p>
      ) : null}
      <Field id="name" label="Name" error={fieldError("name")}>
        {(control) => (
          <input
            {...control}
            ref={refs.name}
            className="input"
            autoComplete="name"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        )}
      </Field>
      <Field id="email" label="Email" error={fieldError("email")}>
        {(control) => (
          <input
            {...control}
            ref={refs.email}
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
        hint="At least 8 characters."
        error={fieldError("password")}
      >
        {(control) => (
          <input
            {...control}
            ref={refs.password}
            className="input"
            type="password"
            autoComplete="new-password"
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
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="auth-switch">
        Already have an account? <Link href={signInHref}>Sign in</Link>
      </p>
    </form>
  );
}
