import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { Brand } from "@/components/brand";
import { safeNextPath } from "@/lib/redirects";
import { getSession } from "@/lib/server/auth";
import { getWebConfig } from "@/lib/server/config";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNextPath(
    typeof params.next === "string" ? params.next : null,
    getWebConfig().authUrl,
  );
  if (await getSession()) redirect(next);
  return (
    <div className="card auth-card">
      <Brand />
      <h1>Create your account</h1>
      <p className="page-subtitle">Tasks, due dates and a clear view of what is next.</p>
      <SignUpForm next={next} />
    </div>
  );
}
