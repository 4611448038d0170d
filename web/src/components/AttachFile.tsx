import { useId } from "react";

/** The composer's paperclip: a real file input (so keyboard and screen readers reach it), styled as a button. */
export function AttachFile({ disabled, onFile }: { disabled: boolean; onFile: (f: File) => void }) {
  const id = useId();
  return (
    <label className={"attach button-like" + (disabled ? " disabled" : "")} htmlFor={id} title="Attach a file">
      <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
      </svg>
      <input
        id={id}
        className="sr-only"
        type="file"
        aria-label="Attach a file"
        disabled={disabled}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = ""; // the same file can be chosen again
          if (f) onFile(f);
        }}
      />
    </label>
  );
}
