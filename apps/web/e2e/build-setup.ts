import { ensureWebBuild } from "../scripts/ensure-build";

/** Builds the web app once before the e2e files run, unless the build is already current. */
export default async function setup(): Promise<void> {
  await ensureWebBuild((line) => console.log(line));
}
