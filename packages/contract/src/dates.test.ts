import { describe, expect, it } from "vitest";
import { isDate, isDateTime, parseDateOrDateTime } from "./dates";

describe("isDate", () => {
  it.each(["2026-12-01", "2024-02-29", "0001-01-01", "9999-12-31"])("accepts %s", (value) => {
    expect(isDate(value)).toBe(true);
  });

  it.each([
    "2026-02-30",
    "2025-02-29",
    "1900-02-29",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "2026-1-1",
    "20261201",
    "",
  ])("rejects %s", (value) => {
    expect(isDate(value)).toBe(false);
  });
});

describe("isDateTime", () => {
  it.each([
    "2026-12-01T10:00:00Z",
    "2026-12-01t10:00:00z",
    "2026-12-01T10:00:00.123456+02:00",
    "2026-12-01T23:59:59-14:00",
  ])("accepts %s", (value) => {
    expect(isDateTime(value)).toBe(true);
  });

  it.each([
    ["no offset", "2026-12-01T10:00:00"],
    ["no seconds", "2026-12-01T10:00Z"],
    ["impossible day", "2026-02-30T10:00:00Z"],
    ["hour 24", "2026-12-01T24:00:00Z"],
    ["leap second", "2026-12-31T23:59:60Z"],
    ["offset without colon", "2026-12-01T10:00:00+0200"],
    ["plain date", "2026-12-01"],
  ])("rejects %s", (_why, value) => {
    expect(isDateTime(value)).toBe(false);
  });
});

describe("parseDateOrDateTime", () => {
  it("reads a plain date as midnight UTC", () => {
    expect(parseDateOrDateTime("2026-12-01").toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("converts an offset to UTC, keeping milliseconds", () => {
    expect(parseDateOrDateTime("2026-12-01T10:30:00.123+02:00").toISOString()).toBe(
      "2026-12-01T08:30:00.123Z",
    );
  });

  it("accepts lower-case separators", () => {
    expect(parseDateOrDateTime("2026-12-01t10:30:00z").toISOString()).toBe(
      "2026-12-01T10:30:00.000Z",
    );
  });
});
