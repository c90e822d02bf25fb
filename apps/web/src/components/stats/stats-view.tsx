"use client";

import { type Stats, TASK_CATEGORIES, TASK_PRIORITIES } from "@tasklane/contract";
import Link from "next/link";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { useApi } from "@/components/api-provider";
import { EmptyState, ErrorState, LoadingRows } from "@/components/request-states";
import { describeApiFailure, type Problem } from "@/lib/api-errors";
import { browserTimeZone } from "@/lib/due-dates";
import { CATEGORY_LABELS, PRIORITY_LABELS } from "@/lib/labels";
import { type Bar, BarChart } from "./bar-chart";
import { CompletionRing } from "./completion-ring";

/** A card whose heading also names it for screen readers. */
function ChartCard({
  headingId,
  title,
  children,
}: {
  headingId: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** A bar for each of `keys`, coloured in turn from the chart palette's `firstColor`-th colour. */
function countBars<Key extends string>(
  keys: readonly Key[],
  labels: Record<Key, string>,
  counts: Record<Key, number>,
  firstColor: number,
): Bar[] {
  return keys.map((key, index) => ({
    label: labels[key],
    value: counts[key],
    color: `var(--chart-${index + firstColor})`,
  }));
}

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
        <ChartCard headingId="completion-heading" title="Completion">
          <CompletionRing
            rate={stats.completion_rate}
            completed={stats.completed}
            total={stats.total}
          />
        </ChartCard>
        <ChartCard headingId="priority-heading" title="By priority">
          <BarChart
            bars={countBars(TASK_PRIORITIES, PRIORITY_LABELS, stats.by_priority, 2)}
            total={stats.total}
          />
        </ChartCard>
        <ChartCard headingId="category-heading" title="By category">
          <BarChart
            bars={countBars(TASK_CATEGORIES, CATEGORY_LABELS, stats.by_category, 1)}
            total={stats.total}
          />
        </ChartCard>
      </div>
    </>
  );
}
