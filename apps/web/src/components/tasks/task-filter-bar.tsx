"use client";

import {
  TAG_MAX_LENGTH,
  TASK_CATEGORIES,
  TASK_PRIORITIES,
  TASK_SORT_FIELDS,
} from "@tasklane/contract";
import { useEffect, useRef, useState } from "react";
import { InputField, SelectField } from "@/components/field";
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
  SEARCH_MAX_LENGTH,
  SORT_ORDERS,
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

/** A checkbox chip for each option; any number of them can be on. */
function ChipGroup<Option extends string>({
  legend,
  options,
  labels,
  selected,
  onChange,
}: {
  legend: string;
  options: readonly Option[];
  labels: Record<Option, string>;
  selected: Option[];
  onChange: (selected: Option[]) => void;
}) {
  return (
    <fieldset className="chip-group">
      <legend>{legend}</legend>
      <div className="chips">
        {options.map((option) => (
          <label key={option} className="chip">
            <input
              type="checkbox"
              checked={selected.includes(option)}
              onChange={() => onChange(toggle(selected, option))}
            />
            <span>{labels[option]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
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
      <InputField
        id="task-search"
        className="search-field"
        label="Search tasks"
        hideLabel
        type="search"
        placeholder="Search titles and descriptions"
        maxLength={SEARCH_MAX_LENGTH}
        value={search}
        onValueChange={setSearch}
      />
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
        <ChipGroup
          legend="Priority"
          options={TASK_PRIORITIES}
          labels={PRIORITY_LABELS}
          selected={filters.priorities}
          onChange={(priorities) => onChange({ priorities })}
        />
        <ChipGroup
          legend="Category"
          options={TASK_CATEGORIES}
          labels={CATEGORY_LABELS}
          selected={filters.categories}
          onChange={(categories) => onChange({ categories })}
        />
        <InputField
          id="filter-tag"
          label="Tag"
          placeholder="Any tag"
          autoComplete="off"
          maxLength={TAG_MAX_LENGTH}
          value={tag}
          onValueChange={setTag}
        />
        <SelectField
          id="filter-due"
          label="Due"
          options={DUE_FILTERS}
          labels={DUE_FILTER_LABELS}
          value={filters.due}
          onValueChange={(due) => onChange({ due })}
        />
        <SelectField
          id="filter-sort"
          label="Sort by"
          options={TASK_SORT_FIELDS}
          labels={SORT_LABELS}
          value={filters.sort}
          onValueChange={(sort) => onChange({ sort })}
        />
        <SelectField
          id="filter-order"
          label="Order"
          options={SORT_ORDERS}
          labels={ORDER_LABELS[filters.sort]}
          value={filters.order}
          onValueChange={(order) => onChange({ order })}
        />
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
