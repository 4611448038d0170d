import type { LabelRef } from "../api/client";

/** A conversation's labels as chips: a dot of the label's color and its name (the text keeps the theme's
 * colors, so any label color stays readable). */
export function LabelChips({ labels }: { labels: LabelRef[] | undefined }) {
  if (!labels || labels.length === 0) return null;
  return (
    <span className="label-chips">
      {labels.map((l) => (
        <span key={l.labelId} className="label-chip">
          <span className="dot" style={{ background: l.color }} aria-hidden="true" />
          {l.name}
        </span>
      ))}
    </span>
  );
}
