import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ApiProvider } from "@/components/api-provider";
import { AppHeader } from "@/components/app-header";
import { REQUEST_PATH_HEADER, signInPath } from "@/lib/redirects";
import { getSession } from "@/lib/server/auth";
import { getWebConfig } from "@/lib/server/config";

/** Everything behind sign-in. The session is checked here, on the server, for every page load. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) {
    // An expired or revoked session still has its cookie, so the proxy let it through.
    redirect(signInPath((await headers()).get(REQUEST_PATH_HEADER) ?? "/", getWebConfig().authUrl));
  }
  return (
    <ApiProvider apiUrl={getWebConfig().apiUrl}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader email={session.user.email} />
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </ApiProvider>
  );
}
