"use client";

import Link from "next/link";
import { type FormEvent, useRef, useState } from "react";
import { InputField } from "@/components/field";
import { checkPassword } from "@/lib/auth-errors";
import { authClient } from "@/lib/browser-session";
import { FieldProblemAlert, FormProblemAlert, useAuthForm } from "./auth-form";

export function SignUpForm({ next }: { next: string }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };
  const { problem, pending, show, send, fieldError } = useAuthForm((found) => {
    if (found.field) refs[found.field].current?.focus();
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim() === "") return show({ field: "name", message: "Enter your name." });
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) {
      return show({ field: "email", message: "Enter a valid email address." });
    }
    const weak = checkPassword(password);
    if (weak) return show(weak);

    const signedUp = await send((fetchOptions) =>
      authClient.signUp.email({ name: name.trim(), email: email.trim(), password }, fetchOptions),
    );
    if (signedUp) window.location.assign(next);
  }

  const signInHref = next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormProblemAlert problem={problem} />
      <InputField
        id="name"
        label="Name"
        error={fieldError("name")}
        ref={refs.name}
        autoComplete="name"
        required
        value={name}
        onValueChange={setName}
      />
      <InputField
        id="email"
        label="Email"
        error={fieldError("email")}
        ref={refs.email}
        type="email"
        autoComplete="email"
        required
        value={email}
        onValueChange={setEmail}
      />
      <InputField
        id="password"
        label="Password"
        hint="At least 8 characters."
        error={fieldError("password")}
        ref={refs.password}
        type="password"
        autoComplete="new-password"
        required
        value={password}
        onValueChange={setPassword}
      />
      <FieldProblemAlert problem={problem} />
      <button className="button button-primary" type="submit" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="auth-switch">
        Already have an account? <Link href={signInHref}>Sign in</Link>
      </p>
    </form>
  );
}
