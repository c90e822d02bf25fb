import { PAGE_SIZE, pageCount } from "@/lib/task-filters";

export function Pagination({
  page,
  total,
  onPage,
}: {
  page: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = pageCount(total);
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, page * PAGE_SIZE);
  return (
    <nav className="pagination" aria-label="Pages">
      <span>
        {first}–{last} of {total} {total === 1 ? "task" : "tasks"}
      </span>
      {pages > 1 ? (
        <span className="pagination-buttons">
          <button
            type="button"
            className="button button-small"
            disabled={page <= 1}
            onClick={() => onPage(page - 1)}
          >
            Previous
          </button>
          <span aria-current="page" className="visually-hidden">
            Page {page} of {pages}
          </span>
          <span aria-hidden="true">
            {page} / {pages}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={page >= pages}
            onClick={() => onPage(page + 1)}
          >
            Next
          </button>
        </span>
      ) : null}
    </nav>
  );
}
