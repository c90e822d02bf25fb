import path from "node:path";
import { fileURLToPath } from "node:url";
import { readEnvironment } from "@tasklane/env/file";
import type { NextConfig } from "next";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// The repository-wide .env (the one the API reads, through the same module) configures the web
// app too; variables already set in the environment win, as they do for the API.
Object.assign(process.env, readEnvironment());

const nextConfig: NextConfig = {
  // The workspace packages export TypeScript source, so Next compiles them like its own code.
  transpilePackages: ["@tasklane/auth", "@tasklane/contract", "@tasklane/db", "@tasklane/env"],
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm run typecheck` type-checks apps/web with the rest of the repository; the build need not.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
