// The WebSocket: one connection per signed-in tab, events applied to the query cache. It reconnects with
// exponential backoff (at once after close code 1012, a node draining), and after any reconnect refetches
// every query, so that events missed while offline are recovered.
import { useSyncExternalStore } from "react";
import { customerPresence, type PresenceEvent } from "./customerPresence";
import type { QueryClient } from "@tanstack/react-query";
import type { Conversation, Message, WhatsAppStatus } from "./api/client";
import { keys, removeConversation, setMessageStatus, upsertConversation, upsertMessage } from "./cache";
import { session } from "./session";
import { toastStore } from "./toasts";
import { presence, type ViewingEvent } from "./presence";

export type LiveState = "connecting" | "online" | "offline";

type Frame = { event: string; data: unknown };

export class Live {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private everOpen = false;
  private state: LiveState = "connecting";
  private listeners = new Set<() => void>();
  /** The chat the user is looking at: its new messages are marked read at once. */
  openChat: string | null = null;

  constructor(
    private qc: QueryClient,
    private token: string,
  ) {
    this.connect();
  }

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };
  getState = () => this.state;

  /** The cached statuses a WhatsApp event is about: its number's, and the default number's card when the
   * event is about the default number (or that card does not know its number yet). */
  private whatsappKeys(channelId: string | undefined): (readonly unknown[])[] {
    if (!channelId) return [keys.whatsapp];
    const def = this.qc.getQueryData<WhatsAppStatus>(keys.whatsapp)?.channelId;
    return !def || def === channelId ? [keys.whatsapp, keys.whatsappChannel(channelId)] : [keys.whatsappChannel(channelId)];
  }

  private setState(s: LiveState) {
    if (s === this.state) return;
    this.state = s;
    for (const l of this.listeners) l();
  }

  private connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    const ws = new WebSocket(url, ["aezen.v1", this.token]);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState("online");
      if (this.everOpen) void this.qc.invalidateQueries(); // recover what changed while offline
      this.everOpen = true;
    };
    ws.onmessage = (e) => {
      try {
        this.apply(JSON.parse(String(e.data)) as Frame);
      } catch {
        /* a frame we do not understand is ignored */
      }
    };
    ws.onclose = (e) => {
      this.ws = null;
      if (this.stopped) return;
      if (e.code === 4401) {
        // The token was revoked or the tenant suspended: back to log in (drafts are kept).
        session.expire();
        return;
      }
      this.setState("offline");
      // 1012: the node is restarting or draining, come back at once; otherwise back off up to 10 s.
      const delay = e.code === 1012 && this.attempt === 0 ? 0 : Math.min(10_000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt++;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Sends a client event (typing, mark_read); dropped while offline. */
  send(event: string, data: unknown) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ event, data }));
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000);
  }

  /** Whether the engine's visibility rule hides a conversation from this user: an agent, under
   * ASSIGNED_AND_UNASSIGNED, and it is assigned to someone else. */
  private hiddenFromMe(c: Conversation): boolean {
    const me = this.qc.getQueryData<{ user: { userId: string; role: string } }>(["me"]);
    const settings = this.qc.getQueryData<{ agentVisibility: string }>(["settings"]);
    return (
      me?.user.role === "AGENT" && settings?.agentVisibility === "ASSIGNED_AND_UNASSIGNED" && !!c.assignee && c.assignee !== me.user.userId
    );
  }

  private apply(f: Frame) {
    switch (f.event) {
      case "incoming_message": {
        const d = f.data as { message: Message; conversation: Conversation };
        upsertMessage(this.qc, d.message);
        if (this.openChat === d.message.chatId && document.visibilityState === "visible") {
          this.send("mark_read", { chatId: d.message.chatId });
        }
        break;
      }
      case "message_status": {
        const d = f.data as { messageId: string; chatId: string; status: string; error?: string | null; message?: Message };
        if (d.message) upsertMessage(this.qc, d.message);
        else setMessageStatus(this.qc, d.chatId, d.messageId, d.status, d.error);
        break;
      }
      case "conversation_updated": {
        const c = f.data as Conversation;
        if (this.hiddenFromMe(c)) removeConversation(this.qc, c.chatId);
        else upsertConversation(this.qc, c);
        // A channel the cached list does not know yet (created elsewhere): read the list again.
        const channels = this.qc.getQueryData<{ data: { channelId: string }[] }>(["channels"]);
        if (channels && !channels.data.some((ch) => ch.channelId === c.channelId)) void this.qc.invalidateQueries({ queryKey: ["channels"] });
        break;
      }
      case "assignment_changed": {
        // The conversation as it is now: the lists filtered by assignee gain or lose it.
        const d = f.data as { chatId: string; conversation: Conversation };
        if (this.hiddenFromMe(d.conversation)) {
          // An agent who sees only their own and unassigned conversations lost this one to a colleague.
          removeConversation(this.qc, d.chatId);
          void this.qc.invalidateQueries({ queryKey: keys.conversation(d.chatId) });
          void this.qc.invalidateQueries({ queryKey: keys.messages(d.chatId) });
        } else {
          upsertConversation(this.qc, d.conversation);
        }
        break;
      }
      case "note_added": {
        const d = f.data as { message: Message };
        upsertMessage(this.qc, d.message);
        break;
      }
      case "mention": {
        // Only the mentioned user gets this event: tell them who and where.
        const d = f.data as { chatId: string; message: Message; authorId?: string | null };
        upsertMessage(this.qc, d.message);
        const users = this.qc.getQueryData<{ data: { userId: string; fullName?: string | null; email: string }[] }>(["users"]);
        const author = users?.data.find((u) => u.userId === d.authorId);
        const who = author ? author.fullName || author.email : "A teammate";
        const text = d.message.content;
        toastStore.push({
          text: `${who} mentioned you in a note`,
          detail: text.length > 120 ? text.slice(0, 119) + "…" : text,
          link: { to: "/inbox/" + d.chatId, label: "Open the conversation" },
        });
        break;
      }
      case "viewing": {
        const d = f.data as ViewingEvent;
        const me = this.qc.getQueryData<{ user: { userId: string } }>(["me"]);
        if (d.userId !== me?.user.userId) presence.apply(d); // our own hint comes back too
        break;
      }
      case "presence":
        customerPresence.apply(f.data as PresenceEvent);
        break;
      case "qr": {
        const qr = f.data as WhatsAppStatus["qr"];
        for (const key of this.whatsappKeys(qr?.channelId)) {
          this.qc.setQueryData<WhatsAppStatus>(key, (old) => ({ ...(old ?? { status: "WAITING_QR" }), qr }));
        }
        break;
      }
      case "connection_status": {
        // Status events carry no QR code: the current one stays while the phone may still scan it.
        const next = f.data as WhatsAppStatus;
        for (const key of this.whatsappKeys(next.channelId ?? undefined)) {
          this.qc.setQueryData<WhatsAppStatus>(key, (old) =>
            !next.qr && old?.qr && (next.status === "WAITING_QR" || next.status === "CONNECTING") ? { ...next, qr: old.qr } : next,
          );
        }
        // A stored chunk of WhatsApp's history brings conversations and messages no event announced.
        if (next.history?.state === "IMPORTING" || next.history?.state === "DONE") {
          void this.qc.invalidateQueries({ queryKey: ["conversations"] });
          void this.qc.invalidateQueries({ queryKey: ["messages"] });
        }
        break;
      }
      case "order_updated":
        void this.qc.invalidateQueries({ queryKey: ["orders"] });
        void this.qc.invalidateQueries({ queryKey: ["customer"] });
        break;
    }
  }
}

export function useLiveState(live: Live | null): LiveState {
  return useSyncExternalStore(live?.subscribe ?? noop, live?.getState ?? online);
}
const noop = () => () => {};
const online = (): LiveState => "online";
