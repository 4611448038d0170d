// How server events change the query cache. TanStack Query holds the only copy of server state; these
// helpers apply an event to it in place (conversation lists, a chat's messages, the WhatsApp status).
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { Conversation, Message } from "./api/client";

export type ConversationPage = { data: Conversation[]; nextCursor: string | null };
export type MessagePage = { data: Message[]; nextCursor: string | null };
/** The inbox's filters: status ("" any), search text, assignee ("" anyone, "none", or a user id: "Me" is the
 * signed-in user's id, so that an event can be matched without asking the engine) and label ("" any, or an id). */
export type ConversationFilter = { status: string; search: string; assignee: string; label: string };
export const noFilter: ConversationFilter = { status: "", search: "", assignee: "", label: "" };

export const keys = {
  conversations: (f?: ConversationFilter) => (f ? ["conversations", f] : ["conversations"]) as readonly unknown[],
  conversation: (chatId: string) => ["conversation", chatId] as const,
  messages: (chatId: string) => ["messages", chatId] as const,
  /** The default number's status (the seed's /api/integrations/whatsapp routes). */
  whatsapp: ["whatsapp"] as const,
  /** One number's status (its /api/channels/:channelId/whatsapp routes). */
  whatsappChannel: (channelId: string) => ["whatsapp", channelId] as const,
};

const rank: Record<string, number> = { PENDING: 1, SENT: 2, DELIVERED: 3, READ: 4, FAILED: 5, RECEIVED: 0 };

/** Whether a status may replace another: statuses only move forward; FAILED ends PENDING or SENT. */
export function statusMoves(from: string, to: string): boolean {
  if (from === to) return false;
  if (to === "FAILED") return from === "PENDING" || from === "SENT";
  if (from === "FAILED") return false;
  return (rank[to] ?? 0) > (rank[from] ?? 0);
}

function clientId(m: Message): string | undefined {
  const v = m.metadata?.["clientMessageId"];
  return typeof v === "string" ? v : undefined;
}

/** Adds or reconciles a message in its chat's pages: an optimistic copy is replaced by the real one (same
 * clientMessageId), a known message keeps the most advanced status. */
export function upsertMessage(qc: QueryClient, m: Message) {
  qc.setQueryData<InfiniteData<MessagePage>>(keys.messages(m.chatId), (old) => {
    if (!old || old.pages.length === 0) return old;
    const cid = clientId(m);
    let found = false;
    const pages = old.pages.map((p) => ({
      ...p,
      data: p.data.map((x) => {
        if (x.messageId === m.messageId || (cid && clientId(x) === cid)) {
          found = true;
          // An optimistic copy (tmp- id) takes whatever comes; the engine's copies only move forward.
          const keep = x.messageId === m.messageId && !x.messageId.startsWith("tmp-") && !statusMoves(x.status, m.status);
          return keep ? { ...m, status: x.status, error: x.error } : m;
        }
        return x;
      }),
    }));
    if (!found) {
      const first = pages[0]!;
      pages[0] = { ...first, data: [...first.data, m] };
    }
    return { ...old, pages };
  });
}

/** Applies a message_status event without a message body. */
export function setMessageStatus(qc: QueryClient, chatId: string, messageId: string, status: string, error?: string | null) {
  qc.setQueryData<InfiniteData<MessagePage>>(keys.messages(chatId), (old) => {
    if (!old) return old;
    return {
      ...old,
      pages: old.pages.map((p) => ({
        ...p,
        data: p.data.map((x) =>
          x.messageId === messageId && statusMoves(x.status, status) ? { ...x, status: status as Message["status"], error: error ?? undefined } : x,
        ),
      })),
    };
  });
}

/** Whether a conversation belongs in a list with filter f (the engine's rules for status, assignee, label). */
export function matches(f: ConversationFilter, c: Conversation): boolean {
  if (f.status && c.status !== f.status) return false;
  if (f.assignee === "none" && c.assignee) return false;
  if (f.assignee && f.assignee !== "none" && c.assignee !== f.assignee) return false;
  if (f.label && !(c.labels ?? []).some((l) => l.labelId === f.label)) return false;
  if (f.search) {
    const q = f.search.toLowerCase();
    return [c.contactName, c.contactNumber, c.platformCustomerId, c.lastMessage].some((v) => v?.toLowerCase().includes(q));
  }
  return true;
}

/** Puts a changed conversation in every cached inbox list: in place when its activity did not move, else
 * at the top (lists are newest activity first); out of lists whose filter it no longer matches. */
export function upsertConversation(qc: QueryClient, c: Conversation) {
  qc.setQueryData(keys.conversation(c.chatId), c);
  for (const [key, old] of qc.getQueriesData<InfiniteData<ConversationPage>>({ queryKey: keys.conversations() })) {
    if (!old) continue;
    const f = { ...noFilter, ...(key[1] as Partial<ConversationFilter> | undefined) };
    let prev: Conversation | undefined;
    const pages = old.pages.map((p) => ({
      ...p,
      data: p.data.filter((x) => {
        if (x.chatId !== c.chatId) return true;
        prev = x;
        return false;
      }),
    }));
    if (matches(f, c)) {
      if (prev && prev.lastMessageAt === c.lastMessageAt) {
        // same place: put it back where it was
        qc.setQueryData(key, { ...old, pages: old.pages.map((p) => ({ ...p, data: p.data.map((x) => (x.chatId === c.chatId ? c : x)) })) });
        continue;
      }
      const first = pages[0]!;
      pages[0] = { ...first, data: [c, ...first.data] };
    }
    qc.setQueryData(key, { ...old, pages });
  }
}

/** Takes a conversation out of every cached inbox list (it became hidden from this user). */
export function removeConversation(qc: QueryClient, chatId: string) {
  for (const [key, old] of qc.getQueriesData<InfiniteData<ConversationPage>>({ queryKey: keys.conversations() })) {
    if (!old) continue;
    qc.setQueryData(key, { ...old, pages: old.pages.map((p) => ({ ...p, data: p.data.filter((x) => x.chatId !== chatId) })) });
  }
}
