"use client";

import Link from "next/link";
import { type FormEvent, useRef, useState } from "react";
import { InputField } from "@/components/field";
import { authClient } from "@/lib/browser-session";
import { FieldProblemAlert, FormProblemAlert, useAuthForm } from "./auth-form";

export function SignInForm({ next, notice }: { next: string; notice?: string | undefined }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  // Back to the password (to try again) unless the email is what is wrong.
  const { problem, pending, send, fieldError } = useAuthForm((found) =>
    (found.field === "email" ? emailRef : passwordRef).current?.focus(),
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    const signedIn = await send((fetchOptions) =>
      authClient.signIn.email({ email, password }, fetchOptions),
    );
    // A full page load, so the server renders the next page with the new session.
    if (signedIn) window.location.assign(next);
  }

  const signUpHref = next === "/" ? "/sign-up" : `/sign-up?next=${encodeURIComponent(next)}`;
  return (
    <form className="form" onSubmit={submit} noValidate>
      {notice ? (
        <p className="alert alert-info" role="status">
          {notice}
        </p>
      ) : null}
      <FormProblemAlert problem={problem} />
      <InputField
        id="email"
        label="Email"
        error={fieldError("email")}
        ref={emailRef}
        type="email"
        autoComplete="email"
        required
        value={email}
        onValueChange={setEmail}
      />
      <InputField
        id="password"
        label="Password"
        error={fieldError("password")}
        ref={passwordRef}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onValueChange={setPassword}
      />
      <FieldProblemAlert problem={problem} />
      <button className="button button-primary" type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="auth-switch">
        New to Tasklane? <Link href={signUpHref}>Create an account</Link>
      </p>
    </form>
  );
}
