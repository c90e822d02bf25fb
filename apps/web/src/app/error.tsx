"use client";

/** Shown when rendering a page fails on the server (e.g. the database is down), instead of a blank page. */
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="auth-page">
      <div className="card auth-card" role="alert">
        <h1>Something went wrong</h1>
        <p className="page-subtitle">
          Tasklane could not load this page. The server or its database may be unavailable.
        </p>
        <button type="button" className="button button-primary" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}
