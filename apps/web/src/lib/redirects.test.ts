import { describe, expect, it } from "vitest";
import { safeNextPath, signInPath } from "./redirects";

const APP = "http://localhost:3000";

/** Where a browser on the app goes when sent to `target` (a Location header or location.assign). */
const landsOn = (target: string, origin = APP) => new URL(target, origin).origin;

describe("safeNextPath", () => {
  it.each([
    ["/stats", "/stats"],
    ["/?status=active&priority=high", "/?status=active&priority=high"],
    ["/settings#danger", "/settings#danger"],
    ["/a/../stats", "/stats"],
    ["/%2e/stats", "/stats"],
    [`${APP}/stats?x=1`, "/stats?x=1"],
  ])("keeps the local path %s", (next, expected) => {
    expect(safeNextPath(next, APP)).toBe(expected);
  });

  it.each([
    null,
    "",
    "stats",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "/sign-in",
    "/sign-up?next=/",
  ])("falls back to / for %s", (next) => {
    expect(safeNextPath(next, APP)).toBe("/");
  });

  // Each of these, used as it is (or as a naive check passes it on), sends the browser elsewhere.
  const hostile = [
    // Dot segments that normalise to a protocol-relative //host.
    "/.//evil.example/",
    "/%2e//evil.example/",
    "/%2E//evil.example/",
    "/a/..//evil.example/",
    "/a/%2e%2e//evil.example/",
    "/././/evil.example/x?y#z",
    // Backslashes: browsers read them as slashes in http(s) URLs.
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/.\\/evil.example/",
    "\\/evil.example",
    // Tabs and newlines, which URL parsing drops.
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/.\t//evil.example/",
    // Other schemes, hosts and ports.
    "https://evil.example",
    "http://localhost:3000.evil.example/",
    "http://localhost:3001/",
    "https://localhost:3000/",
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    // Userinfo: the part before @ is not the host.
    "http://localhost:3000@evil.example/",
    "//localhost:3000@evil.example/",
    "/@evil.example",
    "http://evil.example\\@localhost:3000/",
    // Leading spaces and control characters, which URL parsing strips.
    " //evil.example",
    "\u0000//evil.example",
    "\u001f//evil.example",
  ];

  it("has a table of at least 20 hostile forms", () => {
    expect(hostile.length).toBeGreaterThanOrEqual(20);
  });

  it.each(hostile)("never leaves the app for %j", (next) => {
    const path = safeNextPath(next, APP);
    expect(path.startsWith("/")).toBe(true);
    expect(path.startsWith("//")).toBe(false);
    expect(path.includes("\\")).toBe(false);
    expect(landsOn(path)).toBe(APP);
    // Wherever the app is served from.
    expect(landsOn(path, "https://tasks.example.org")).toBe("https://tasks.example.org");
  });

  it.each(["/.//evil.example/", "/%2e//evil.example/", "/a/..//evil.example/"])(
    "falls back to / for %j, which resolves to //evil.example/ on this site",
    (next) => {
      expect(new URL(next, APP).pathname).toBe("//evil.example/");
      expect(safeNextPath(next, APP)).toBe("/");
    },
  );
});

describe("signInPath", () => {
  it("carries the path to return to", () => {
    expect(signInPath("/stats?x=1", APP)).toBe("/sign-in?next=%2Fstats%3Fx%3D1");
  });

  it("leaves out the home page", () => {
    expect(signInPath("/", APP)).toBe("/sign-in");
  });

  it("leaves out a path that would lead elsewhere", () => {
    expect(signInPath("/.//evil.example/", APP)).toBe("/sign-in");
  });
});
