import { useId, type ReactNode } from "react";

type InputProps = { id: string; "aria-invalid"?: boolean; "aria-describedby"?: string };

/** A labelled form field with the API's message for it underneath. */
export function Field({ label, error, children }: { label: string; error?: string; children: (p: InputProps) => ReactNode }) {
  const id = useId();
  const errId = id + "-err";
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? errId : undefined })}
      {error && (
        <span className="error" id={errId}>
          {error}
        </span>
      )}
    </div>
  );
}
