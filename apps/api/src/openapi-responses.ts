import { ErrorSchema } from "@tasklane/contract";

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON or wrong content type",
  401: "Missing, invalid or expired token",
  403: "The path's user_id is not the token's subject",
  404: "Task not found (or not yours)",
  413: "Body over the size limit",
  422: "Body or query failed validation",
  429: "Rate limit hit; see Retry-After",
  500: "Unexpected error",
  503: "Database unavailable",
};

/** Response schemas for the error statuses a route can give, all in the contract's error shape. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    [...statuses, 500].map((status) => [
      status,
      { ...ErrorSchema, description: DESCRIPTIONS[status] },
    ]),
  );
}
