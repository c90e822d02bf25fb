export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars scaled to the largest value; the numbers are text, so nothing is colour-only. */
export function BarChart({ bars, total }: { bars: Bar[]; total: number }) {
  const largest = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <ul className="bars">
      {bars.map((bar) => (
        <li key={bar.label} className="bar-row">
          <span>{bar.label}</span>
          <span
            className="bar-track"
            role="img"
            aria-label={`${bar.label}: ${bar.value} of ${total} tasks`}
          >
            <span
              className="bar-fill"
              style={{
                display: "block",
                width: `${(bar.value / largest) * 100}%`,
                background: bar.color,
              }}
            />
          </span>
          <span className="bar-value" aria-hidden="true">
            {bar.value}
          </span>
        </li>
      ))}
    </ul>
  );
}
