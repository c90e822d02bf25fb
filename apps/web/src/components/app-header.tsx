"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { signOut } from "@/lib/browser-session";
import { Brand } from "./brand";

const LINKS = [
  { href: "/", label: "Tasks" },
  { href: "/stats", label: "Stats" },
  { href: "/settings", label: "Settings" },
];

export function AppHeader({ email }: { email: string }) {
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Brand />
        <nav className="main-nav" aria-label="Main">
          {LINKS.map((link) => (
            <Link
              key={link.href}
              href={link.href}
              aria-current={pathname === link.href ? "page" : undefined}
            >
              {link.label}
            </Link>
          ))}
        </nav>
        <div className="account-menu">
          <span className="account-email" title={email}>
            {email}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              signOut().catch(() => setSigningOut(false));
            }}
          >
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </div>
    </header>
  );
}
