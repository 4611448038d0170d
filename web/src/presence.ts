// Collision hints: who else has a conversation open or is typing in it (the viewing event). A hint lasts
// until the engine's expiresAt, counted on this clock from when it arrived (so clock skew does not matter),
// unless refreshed or ended (viewing: false).
import { useSyncExternalStore } from "react";

export type Viewer = { userId: string; name: string; typing: boolean; until: number };
export type ViewingEvent = { chatId: string; userId: string; name: string; viewing: boolean; typing: boolean; at: string; expiresAt: string };

let byChat = new Map<string, Viewer[]>();
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());
let timer: ReturnType<typeof setInterval> | undefined;

function prune() {
  const now = Date.now();
  let changed = false;
  const next = new Map<string, Viewer[]>();
  for (const [chat, vs] of byChat) {
    const keep = vs.filter((v) => v.until > now);
    if (keep.length !== vs.length) changed = true;
    if (keep.length) next.set(chat, keep);
  }
  if (changed) {
    byChat = next;
    emit();
  }
  if (byChat.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

export const presence = {
  apply(e: ViewingEvent) {
    const others = (byChat.get(e.chatId) ?? []).filter((v) => v.userId !== e.userId);
    if (e.viewing || e.typing) {
      const ttl = Math.max(1000, new Date(e.expiresAt).getTime() - new Date(e.at).getTime() || 8000);
      others.push({ userId: e.userId, name: e.name, typing: e.typing, until: Date.now() + ttl });
    }
    byChat = new Map(byChat);
    if (others.length) byChat.set(e.chatId, others);
    else byChat.delete(e.chatId);
    emit();
    if (!timer && byChat.size > 0) timer = setInterval(prune, 1000);
  },
  clear() {
    byChat = new Map();
    emit();
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  },
};

const none: Viewer[] = [];
export function useViewers(chatId: string): Viewer[] {
  return useSyncExternalStore(presence.subscribe, () => byChat.get(chatId) ?? none);
}
