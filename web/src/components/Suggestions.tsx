/** One choice of a composer's picker (a team member after @, a canned reply after /). */
export type Suggestion = { id: string; label: string; detail?: string };

/** The picker under the composer: a listbox the text field drives (aria-activedescendant), so the keyboard
 * stays in the text; a click picks too. */
export function Suggestions({ id, label, items, active, onPick }: { id: string; label: string; items: Suggestion[]; active: number; onPick: (s: Suggestion) => void }) {
  return (
    <ul id={id} role="listbox" aria-label={label} className="suggestions">
      {items.length === 0 && (
        <li role="option" aria-selected="false" aria-disabled="true" className="muted">
          No match
        </li>
      )}
      {items.map((s, i) => (
        <li
          key={s.id}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          onMouseDown={(e) => e.preventDefault()} // keep the focus in the text field
          onClick={() => onPick(s)}
        >
          <span className="suggestion-label">{s.label}</span>
          {s.detail && <span className="muted small suggestion-detail">{s.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
