import { dictionary } from "@zxcvbn-ts/language-common";

// Server only: the list is about half a megabyte, which the browser bundle has no use for.

/** zxcvbn-ts's list of the most common passwords in breach corpora (~49,000), lower case. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary["passwords-common"]);

/** Why a password of the right length is still refused, or null when it is not. */
export function weakPasswordReason(password: string): string | null {
  if (password.trim() === "") return "A password of only spaces is not a password.";
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    return "This password is one of the most common ones, which attackers try first. Choose another.";
  }
  return null;
}
