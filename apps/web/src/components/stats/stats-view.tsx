"use client";

import { useQuery } from "@tanstack/react-query";
import { TASK_CATEGORIES, TASK_PRIORITIES } from "@tasklane/contract";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { useApi } from "@/components/api-provider";
import { EmptyState, ErrorState, LoadingRows } from "@/components/request-states";
import { describeApiFailure } from "@/lib/api-errors";
import { browserTimeZone } from "@/lib/due-dates";
import { CATEGORY_LABELS, PRIORITY_LABELS } from "@/lib/labels";
import { statsKeys } from "@/lib/query-keys";
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

/** Statistics in the query cache; every task write marks them stale (task-queries.ts). */
function useStats(timeZone: string) {
  const api = useApi();
  return useQuery({
    queryKey: statsKeys.inZone(timeZone),
    // "Due today" means today where the person is.
    queryFn: () => api.getStats({ tz: timeZone }),
  });
}

export function StatsView() {
  const [timeZone] = useState(browserTimeZone);
  const { data: stats, error, isError, isFetching, refetch } = useStats(timeZone);

  if (isError) {
    return (
      <ErrorState
        problem={describeApiFailure(error)}
        onRetry={() => void refetch()}
        retrying={isFetching}
      />
    );
  }
  if (stats === undefined) return <LoadingRows label="Loading statistics" rows={2} />;
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
