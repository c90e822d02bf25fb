"use client";

import { TASK_CATEGORIES, TASK_PRIORITIES, TASK_SORT_FIELDS } from "@tasklane/contract";
import { useEffect, useRef, useState } from "react";
import {
  CATEGORY_LABELS,
  DUE_FILTER_LABELS,
  ORDER_LABELS,
  PRIORITY_LABELS,
  SORT_LABELS,
  STATUS_TAB_LABELS,
} from "@/lib/labels";
import {
  DEFAULT_FILTERS,
  DUE_FILTERS,
  isFiltered,
  STATUS_TABS,
  type TaskFilters,
} from "@/lib/task-filters";

const TYPING_DELAY_MS = 300;

/**
 * A text input that reports its value once typing pauses, and follows the value it is given
 * (back/forward navigation, "Clear filters") unless that is just its own value coming back.
 */
function useDebouncedInput(value: string, onSettled: (value: string) => void) {
  const [text, setText] = useState(value);
  const reported = useRef(value);
  const onSettledRef = useRef(onSettled);
  onSettledRef.current = onSettled;

  useEffect(() => {
    if (value !== reported.current) {
      reported.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    if (text === reported.current) return;
    const timer = setTimeout(() => {
      reported.current = text;
      onSettledRef.current(text);
    }, TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  return [text, setText] as const;
}

function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

export function TaskFilterBar({
  filters,
  onChange,
}: {
  filters: TaskFilters;
  onChange: (change: Partial<TaskFilters>, history?: "push" | "replace") => void;
}) {
  const [search, setSearch] = useDebouncedInput(filters.q, (q) => onChange({ q }, "replace"));
  const [tag, setTag] = useDebouncedInput(filters.tag, (value) =>
    onChange({ tag: value.trim() }, "replace"),
  );
  const activeCount =
    Number(filters.priorities.length > 0) +
    Number(filters.categories.length > 0) +
    Number(filters.tag !== "") +
    Number(filters.due !== "any");
  const sorted = filters.sort !== DEFAULT_FILTERS.sort || filters.order !== DEFAULT_FILTERS.order;
  const [open, setOpen] = useState(activeCount > 0 || sorted);

  return (
    <section aria-label="Filters">
      <div className="field search-field">
        <label className="visually-hidden" htmlFor="task-search">
          Search tasks
        </label>
        <input
          id="task-search"
          className="input"
          type="search"
          placeholder="Search titles and descriptions"
          maxLength={200}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <div className="toolbar">
        <fieldset className="status-tabs">
          <legend className="visually-hidden">Status</legend>
          {STATUS_TABS.map((status) => (
            <button
              key={status}
              type="button"
              aria-pressed={filters.status === status}
              onClick={() => onChange({ status })}
            >
              {STATUS_TAB_LABELS[status]}
            </button>
          ))}
        </fieldset>
        <button
          type="button"
          className="button button-small"
          aria-expanded={open}
          aria-controls="filter-panel"
          onClick={() => setOpen(!open)}
        >
          Filters and sorting{activeCount > 0 ? ` (${activeCount})` : ""}
        </button>
      </div>
      <div className="filters" id="filter-panel" hidden={!open}>
        <fieldset className="chip-group">
          <legend>Priority</legend>
          <div className="chips">
            {TASK_PRIORITIES.map((priority) => (
              <label key={priority} className="chip">
                <input
                  type="checkbox"
                  checked={filters.priorities.includes(priority)}
                  onChange={() => onChange({ priorities: toggle(filters.priorities, priority) })}
                />
                <span>{PRIORITY_LABELS[priority]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="chip-group">
          <legend>Category</legend>
          <div className="chips">
            {TASK_CATEGORIES.map((category) => (
              <label key={category} className="chip">
                <input
                  type="checkbox"
                  checked={filters.categories.includes(category)}
                  onChange={() => onChange({ categories: toggle(filters.categories, category) })}
                />
                <span>{CATEGORY_LABELS[category]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label className="field-label" htmlFor="filter-tag">
            Tag
          </label>
          <input
            id="filter-tag"
            className="input"
            placeholder="Any tag"
            autoComplete="off"
            maxLength={50}
            value={tag}
            onChange={(event) => setTag(event.target.value)}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="filter-due">
            Due
          </label>
          <select
            id="filter-due"
            className="select"
            value={filters.due}
            onChange={(event) => onChange({ due: event.target.value as TaskFilters["due"] })}
          >
            {DUE_FILTERS.map((due) => (
              <option key={due} value={due}>
                {DUE_FILTER_LABELS[due]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="filter-sort">
            Sort by
          </label>
          <select
            id="filter-sort"
            className="select"
            value={filters.sort}
            onChange={(event) => onChange({ sort: event.target.value as TaskFilters["sort"] })}
          >
            {TASK_SORT_FIELDS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="filter-order">
            Order
          </label>
          <select
            id="filter-order"
            className="select"
            value={filters.order}
            onChange={(event) => onChange({ order: event.target.value as TaskFilters["order"] })}
          >
            {(["desc", "asc"] as const).map((order) => (
              <option key={order} value={order}>
                {ORDER_LABELS[filters.sort][order]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {isFiltered(filters) ? (
        <div className="filters-footer">
          <span>Showing tasks that match your filters.</span>
          <button
            type="button"
            className="link-button"
            onClick={() =>
              onChange({ ...DEFAULT_FILTERS, sort: filters.sort, order: filters.order })
            }
          >
            Clear filters
          </button>
        </div>
      ) : null}
    </section>
  );
}
