import type { Metadata } from "next";
import { StatsView } from "@/components/stats/stats-view";

export const metadata: Metadata = { title: "Stats" };

export default function StatsPage() {
  return (
    <>
      <div className="page-header">
        <h1>Stats</h1>
        <span className="page-subtitle">How your tasks are going</span>
      </div>
      <StatsView />
    </>
  );
}
