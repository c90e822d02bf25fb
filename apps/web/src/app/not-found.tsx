import Link from "next/link";

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1>Page not found</h1>
        <p className="page-subtitle">There is nothing at this address.</p>
        <Link className="button button-primary" href="/">
          Go to your tasks
        </Link>
      </div>
    </main>
  );
}
