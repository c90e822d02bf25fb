import type { ReactNode } from "react";
import type { Problem } from "@/lib/api-errors";

/** A failed request: what happened and a way to try again. */
export function ErrorState({
  problem,
  onRetry,
  retrying = false,
}: {
  problem: Problem;
  onRetry: () => void;
  retrying?: boolean;
}) {
  return (
    <div className="alert" role="alert">
      <span>{problem.message}</span>
      {problem.kind === "unauthorized" ? null : (
        <button type="button" className="button button-small" onClick={onRetry} disabled={retrying}>
          {retrying ? "Retrying…" : "Retry"}
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="notice">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** Placeholder rows while the first response is on its way. */
export function LoadingRows({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholders, never reordered
        <div key={index} className="card" aria-hidden="true">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ))}
    </div>
  );
}
