const RADIUS = 44;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** The completion rate as a ring, with the percentage in words for screen readers. */
export function CompletionRing({
  rate,
  completed,
  total,
}: {
  rate: number;
  completed: number;
  total: number;
}) {
  const percent = Math.round(rate * 100);
  return (
    <div className="completion">
      <svg
        className="completion-ring"
        width="120"
        height="120"
        viewBox="0 0 120 120"
        role="img"
        aria-label={`${percent}% complete`}
      >
        <circle className="ring-track" cx="60" cy="60" r={RADIUS} />
        <circle
          className="ring-value"
          cx="60"
          cy="60"
          r={RADIUS}
          strokeDasharray={`${rate * CIRCUMFERENCE} ${CIRCUMFERENCE}`}
          transform="rotate(-90 60 60)"
          visibility={rate === 0 ? "hidden" : "visible"}
        />
        <text x="60" y="60" textAnchor="middle" dominantBaseline="central">
          {percent}%
        </text>
      </svg>
      <p>
        {completed} of {total} {total === 1 ? "task" : "tasks"} done.
      </p>
    </div>
  );
}
