// Passing notices (a mention of you in a note): a tiny store outside React, so that the live connection can
// post them, shown by <Toasts/> in a polite live region.
import { useSyncExternalStore } from "react";

export type Toast = { id: number; text: string; detail?: string; link?: { to: string; label: string } };

let toasts: Toast[] = [];
let next = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export const toastStore = {
  /** Shows a notice for 15 seconds (or until dismissed); at most 5 at once, the oldest go first. */
  push(t: Omit<Toast, "id">) {
    const id = next++;
    toasts = [...toasts.slice(-4), { ...t, id }];
    emit();
    setTimeout(() => toastStore.dismiss(id), 15_000);
  },
  dismiss(id: number) {
    if (!toasts.some((t) => t.id === id)) return;
    toasts = toasts.filter((t) => t.id !== id);
    emit();
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  },
};

export function useToasts(): Toast[] {
  return useSyncExternalStore(toastStore.subscribe, () => toasts);
}
