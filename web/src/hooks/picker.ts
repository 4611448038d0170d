import { useState, type KeyboardEvent } from "react";
import type { Suggestion } from "../components/Suggestions";

/** What the text before the caret asks for: "@name" (a mention) or, at the very start, "/shortcut" (a canned
 * reply). start is where the trigger character is. */
export type Trigger = { kind: "mention" | "canned"; start: number; query: string };

export function findTrigger(text: string, caret: number, kinds: Trigger["kind"][]): Trigger | null {
  const before = text.slice(0, caret);
  if (kinds.includes("canned")) {
    const c = /^\/([^\s/]*)$/.exec(before);
    if (c) return { kind: "canned", start: 0, query: c[1]! };
  }
  if (kinds.includes("mention")) {
    const m = /(^|\s)@([^\s@]*)$/.exec(before);
    if (m) return { kind: "mention", start: before.length - m[2]!.length - 1, query: m[2]! };
  }
  return null;
}

/** The keyboard of an open picker: ↑/↓ move, Enter or Tab pick, Escape closes. Returns whether the key was
 * the picker's. */
export function usePickerKeys(items: Suggestion[], onPick: (s: Suggestion) => void, onClose: () => void) {
  const [active, setActive] = useState(0);
  const index = items.length === 0 ? 0 : Math.min(active, items.length - 1);
  const onKey = (e: KeyboardEvent): boolean => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = items.length;
      if (n > 0) setActive((index + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
      return true;
    }
    if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && items[index]) {
      e.preventDefault();
      onPick(items[index]!);
      setActive(0);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
      return true;
    }
    return false;
  };
  return { active: index, setActive, onKey };
}
