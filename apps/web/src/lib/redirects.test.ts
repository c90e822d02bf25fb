import { describe, expect, it } from "vitest";
import { safeNextPath, signInPath } from "./redirects";

describe("safeNextPath", () => {
  it.each([
    ["/stats", "/stats"],
    ["/?status=active&priority=high", "/?status=active&priority=high"],
    ["/settings#danger", "/settings#danger"],
  ])("keeps the local path %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
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
    expect(safeNextPath(next)).toBe("/");
  });
});

describe("signInPath", () => {
  it("carries the path to return to", () => {
    expect(signInPath("/stats?x=1")).toBe("/sign-in?next=%2Fstats%3Fx%3D1");
  });

  it("leaves out the home page", () => {
    expect(signInPath("/")).toBe("/sign-in");
  });
});
