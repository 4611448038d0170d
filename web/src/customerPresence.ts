// A WhatsApp customer's presence in their conversation (the presence event): typing (or recording a voice
// message) and online. Nothing is stored by the engine; here a typing state lasts until WhatsApp says it
// stopped, or 20 s without news (a lost "paused"), and online until an offline event.
import { useSyncExternalStore } from "react";

export type PresenceEvent = { chatId: string; typing: boolean | null; recording: boolean; online: boolean | null; lastSeenAt: string | null };
export type CustomerPresence = { typing: boolean; recording: boolean; online: boolean | null; until: number };

const typingTTL = 20_000;
let byChat = new Map<string, CustomerPresence>();
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export const customerPresence = {
  apply(e: PresenceEvent) {
    const old = byChat.get(e.chatId) ?? { typing: false, recording: false, online: null, until: 0 };
    const next = { ...old };
    if (e.typing !== null) {
      next.typing = e.typing;
      next.recording = e.typing && e.recording;
      next.until = Date.now() + typingTTL;
      if (e.typing) setTimeout(emit, typingTTL + 50);
    }
    if (e.online !== null) next.online = e.online;
    byChat = new Map(byChat);
    byChat.set(e.chatId, next);
    emit();
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

/** What the customer of a conversation is doing, in words ("" for nothing known). */
export function useCustomerPresence(chatId: string): string {
  const p = useSyncExternalStore(customerPresence.subscribe, () => byChat.get(chatId));
  if (!p) return "";
  if (p.typing && p.until > Date.now()) return p.recording ? "recording a voice message…" : "typing…";
  if (p.online === true) return "online";
  return "";
}
