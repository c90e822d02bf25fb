import type { AuthFailure } from "@/lib/auth-errors";

interface ClientError {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
}

/** A Better Auth client call, given the fetch options it is to pass on. */
export type AuthRequest = (fetchOptions: {
  onError: (context: { response: Response }) => void;
}) => Promise<{ error: ClientError | null }>;

/**
 * Runs a Better Auth client call and returns its failure, if any, with the Retry-After of a 429
 * (which the client's error object leaves out) and status 0 when no answer arrived at all.
 */
export async function runAuthRequest(request: AuthRequest): Promise<AuthFailure | null> {
  let retryAfterSeconds: number | undefined;
  try {
    const { error } = await request({
      onError: ({ response }) => {
        const header = Number(response.headers.get("x-retry-after"));
        if (Number.isFinite(header) && header > 0) retryAfterSeconds = header;
      },
    });
    if (error === null) return null;
    return { status: error.status, code: error.code, message: error.message, retryAfterSeconds };
  } catch {
    return { status: 0 };
  }
}
