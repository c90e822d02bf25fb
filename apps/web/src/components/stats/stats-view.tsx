"use client";

import { type Stats, TASK_CATEGORIES, TASK_PRIORITIES } from "@tasklane/contract";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { useApi } from "@/components/api-provider";
import { EmptyState, ErrorState, LoadingRows } from "@/components/request-states";
import { describeApiFailure, type Problem } from "@/lib/api-errors";
import { browserTimeZone } from "@/lib/due-dates";
import { CATEGORY_LABELS, PRIORITY_LABELS } from "@/lib/labels";
import { BarChart } from "./bar-chart";
import { CompletionRing } from "./completion-ring";

export function StatsView() {
  const api = useApi();
  const [stats, setStats] = useState<Stats | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [timeZone] = useState(browserTimeZone);

  const load = useCallback(() => {
    setLoading(true);
    api
      // "Due today" means today where the person is.
      .getStats({ tz: timeZone })
      .then((result) => {
        setStats(result);
        setProblem(null);
      })
      .catch((error: unknown) => setProblem(describeApiFailure(error)))
      .finally(() => setLoading(false));
  }, [api, timeZone]);

  useEffect(load, [load]);

  if (problem) return <ErrorState problem={problem} onRetry={load} retrying={loading} />;
  if (stats === null) return <LoadingRows label="Loading statistics" rows={2} />;
  if (stats.total === 0) {
    return (
      <EmptyState title="No statistics yet">
        <p>
          <Link href="/">Add a few tasks</Link> and come back to see how you are doing.
        </p>
      </EmptyState>
    );
  }

  const counts = [
    { label: "Total", value: stats.total },
    { label: "Done", value: stats.completed },
    { label: "To do", value: stats.pending },
    { label: "In progress", value: stats.in_progress },
    { label: "Due today", value: stats.due_today },
    { label: "Overdue", value: stats.overdue, className: stats.overdue > 0 ? "stat-overdue" : "" },
  ];
  return (
    <>
      <dl className="stat-grid">
        {counts.map((count) => (
          <div key={count.label} className={`stat ${count.className ?? ""}`}>
            <dt>{count.label}</dt>
            <dd>{count.value}</dd>
          </div>
        ))}
      </dl>
      <div className="chart-grid">
        <section className="card" aria-labelledby="completion-heading">
          <h2 id="completion-heading">Completion</h2>
          <CompletionRing
            rate={stats.completion_rate}
            completed={stats.completed}
            total={stats.total}
          />
        </section>
        <section className="card" aria-labelledby="priority-heading">
          <h2 id="priority-heading">By priority</h2>
          <BarChart
            bars={TASK_PRIORITIES.map((priority, index) => ({
              label: PRIORITY_LABELS[priority],
              value: stats.by_priority[priority],
              color: `var(--chart-${index + 2})`,
            }))}
            total={stats.total}
          />
        </section>
        <section className="card" aria-labelledby="category-heading">
          <h2 id="category-heading">By category</h2>
          <BarChart
            bars={TASK_CATEGORIES.map((category, index) => ({
              label: CATEGORY_LABELS[category],
              value: stats.by_category[category],
              color: `var(--chart-${index + 1})`,
            }))}
            total={stats.total}
          />
        </section>
      </div>
    </>
  );
}
