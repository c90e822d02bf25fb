"use client";

import { type FormEvent, useState } from "react";
import { FormProblemAlert, useAuthForm } from "@/components/auth/auth-form";
import { InputField } from "@/components/field";
import { apiTokens, authClient } from "@/lib/browser-session";

/** Deletes the account after the password is confirmed; the database cascades to every task. */
export function DeleteAccountForm({ email }: { email: string }) {
  const [password, setPassword] = useState("");
  const { problem, pending, show, send } = useAuthForm();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password === "") {
      show({ field: "password", message: "Enter your password to confirm." });
      return;
    }
    const deleted = await send((fetchOptions) => authClient.deleteUser({ password }, fetchOptions));
    if (deleted) {
      apiTokens.clear();
      window.location.assign("/sign-in?notice=account-deleted");
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {/* Tells password managers which account the password belongs to. */}
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <FormProblemAlert problem={problem} />
      <InputField
        id="delete-password"
        label="Your password"
        hint="This cannot be undone."
        // The password is this form's only field: a problem with any field is about it.
        error={problem?.field ? problem.message : undefined}
        type="password"
        autoComplete="current-password"
        value={password}
        onValueChange={setPassword}
      />
      <div>
        <button type="submit" className="button button-danger" disabled={pending}>
          {pending ? "Deleting…" : "Delete my account and all my tasks"}
        </button>
      </div>
    </form>
  );
}
