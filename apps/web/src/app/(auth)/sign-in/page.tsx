import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Brand } from "@/components/brand";
import { safeNextPath } from "@/lib/redirects";
import { getSession } from "@/lib/server/auth";
import { getWebConfig } from "@/lib/server/config";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  "account-deleted": "Your account and all its tasks have been deleted.",
};

export default async function SignInPage({
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
  const notice = typeof params.notice === "string" ? NOTICES[params.notice] : undefined;
  return (
    <div className="card auth-card">
      <Brand />
      <h1>Sign in</h1>
      <p className="page-subtitle">Welcome back. Your tasks are waiting.</p>
      <SignInForm next={next} notice={notice} />
    </div>
  );
}
