import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { DeleteAccountForm } from "@/components/settings/delete-account-form";
import { getSession } from "@/lib/server/auth";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await getSession();
  if (!session) redirect("/sign-in?next=%2Fsettings");
  const { user } = session;
  const memberSince = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(
    user.createdAt,
  );
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <section className="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <dl className="details">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Member since</dt>
          <dd>{memberSince}</dd>
        </dl>
      </section>
      <section className="card danger-zone" aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete account</h2>
        <p>
          Deleting your account removes it and every one of your tasks for good. You will be signed
          out everywhere.
        </p>
        <DeleteAccountForm email={user.email} />
      </section>
    </>
  );
}
