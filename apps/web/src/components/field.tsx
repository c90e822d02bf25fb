import type { ComponentProps, ReactNode } from "react";

// The form controls of every screen: a label, the control, and its hint and error underneath,
// wired together for screen readers. Screens use these rather than their own markup.

export interface FieldControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
}

interface FieldLabelling {
  id: string;
  label: ReactNode;
  /** The label is read by screen readers but not shown (a placeholder says it on screen). */
  hideLabel?: boolean | undefined;
  hint?: ReactNode;
  error?: string | undefined;
}

/**
 * A label, a control, and its hint and error underneath: the control is described by both and
 * marked invalid while there is an error.
 */
export function Field({
  id,
  label,
  hideLabel = false,
  hint,
  error,
  className,
  children,
}: FieldLabelling & {
  className?: string | undefined;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label className={hideLabel ? "visually-hidden" : "field-label"} htmlFor={id}>
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": describedBy })}
      {hint ? (
        <span className="field-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

type Labelling = FieldLabelling & { className?: string | undefined };

/** A control's props split into the Field's (label, hint, error) and the control's own. */
function splitLabelling<Props extends Labelling>({
  id,
  label,
  hideLabel,
  hint,
  error,
  className,
  ...control
}: Props) {
  return { labelling: { id, label, hideLabel, hint, error, className }, control };
}

/** A Field whose control is an `input` holding a string. */
export function InputField({
  onValueChange,
  ...props
}: Labelling & {
  onValueChange: (value: string) => void;
} & Omit<ComponentProps<"input">, "id" | "className" | "onChange">) {
  const { labelling, control: input } = splitLabelling(props);
  return (
    <Field {...labelling}>
      {(control) => (
        <input
          {...input}
          {...control}
          className="input"
          onChange={(event) => onValueChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/** A Field whose control is a `textarea`. */
export function TextareaField({
  onValueChange,
  ...props
}: Labelling & {
  onValueChange: (value: string) => void;
} & Omit<ComponentProps<"textarea">, "id" | "className" | "onChange">) {
  const { labelling, control: textarea } = splitLabelling(props);
  return (
    <Field {...labelling}>
      {(control) => (
        <textarea
          {...textarea}
          {...control}
          className="textarea"
          onChange={(event) => onValueChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/** A Field whose control is a `select` of one of `options`, each shown by its label. */
export function SelectField<Option extends string>({
  options,
  labels,
  value,
  onValueChange,
  ...props
}: Labelling & {
  options: readonly Option[];
  labels: Record<Option, string>;
  value: Option;
  onValueChange: (value: Option) => void;
}) {
  return (
    <Field {...splitLabelling(props).labelling}>
      {(control) => (
        <select
          {...control}
          className="select"
          value={value}
          // The select only offers `options`.
          onChange={(event) => onValueChange(event.target.value as Option)}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {labels[option]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
