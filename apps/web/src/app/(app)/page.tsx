import type { Metadata } from "next";
import { Suspense } from "react";
import { LoadingRows } from "@/components/request-states";
import { TasksView } from "@/components/tasks/tasks-view";

export const metadata: Metadata = { title: "Tasks" };

export default function TasksPage() {
  return (
    <Suspense fallback={<LoadingRows label="Loading tasks" />}>
      <TasksView />
    </Suspense>
  );
}
