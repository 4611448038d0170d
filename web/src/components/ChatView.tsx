import { Fragment, useEffect, useLayoutEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Conversation, type Message } from "../api/client";
import { keys, upsertConversation } from "../cache";
import { dayLabel, sameDay, whenAt } from "../format";
import { useLive } from "../App";
import { useLiveState } from "../live";
import { Viewers } from "./Viewers";
import { useCustomerPresence } from "../customerPresence";
import { CustomerPanel } from "./CustomerPanel";
import { ConversationActions } from "./ConversationActions";
import { MessageItem } from "./MessageItem";
import { Composer } from "./Composer";
import { statusLabels } from "./ConversationFilters";

/** One conversation: its history (older pages on scroll up), the composer and the customer panel. */
export function ChatView({ chatId }: { chatId: string }) {
  const qc = useQueryClient();
  const live = useLive();
  const [panel, setPanel] = useState(() => window.matchMedia("(min-width: 1100px)").matches);
  // The message the next reply quotes (Reply on a message), until sent or cancelled; another chat starts without.
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  useEffect(() => setReplyTo(null), [chatId]);
  const conv = useQuery({ queryKey: keys.conversation(chatId), queryFn: () => unwrap(api.GET("/api/conversations/{chatId}", { params: { path: { chatId } } })) });
  const msgs = useInfiniteQuery({
    queryKey: keys.messages(chatId),
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/conversations/{chatId}/messages", { params: { path: { chatId }, query: { limit: 50, before: pageParam || undefined } } })),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  // Opening a conversation marks it read; the live connection keeps it read while it stays open.
  const read = useMutation({
    mutationFn: () => unwrap(api.POST("/api/conversations/{chatId}/read", { params: { path: { chatId } } })),
  });
  const unread = conv.data?.unreadCount ?? 0;
  useEffect(() => {
    if (live) live.openChat = chatId;
    return () => {
      if (live && live.openChat === chatId) live.openChat = null;
    };
  }, [live, chatId]);
  // Collision hints: tell the team this conversation is on screen (every 4 s while the tab is visible; the
  // engine's hint lasts 8 s), and that it no longer is.
  const liveState = useLiveState(live);
  useEffect(() => {
    if (!live || liveState !== "online") return;
    const tell = () => document.visibilityState === "visible" && live.send("viewing", { chatId });
    tell();
    const t = setInterval(tell, 4000);
    return () => {
      clearInterval(t);
      live.send("viewing", { chatId, on: false });
    };
  }, [live, liveState, chatId]);
  useEffect(() => {
    if (conv.data && unread > 0 && !read.isPending) {
      read.mutate(undefined, { onSuccess: () => conv.data && upsertConversation(qc, { ...conv.data, unreadCount: 0 }) });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chatId, unread, conv.data?.chatId]);

  const pages = msgs.data?.pages ?? [];
  const list = pages
    .slice()
    .reverse()
    .flatMap((p) => p.data);

  // Scrolling: start at the bottom, follow new messages when at the bottom, keep the view still when an
  // older page is added above.
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prevHeight = useRef(0);
  const prevFirst = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = list[0]?.messageId;
    if (prevFirst.current && first !== prevFirst.current && prevHeight.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current; // older messages came in above
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevFirst.current = first;
    prevHeight.current = el.scrollHeight;
  });
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    prevHeight.current = el.scrollHeight;
    if (el.scrollTop < 80 && msgs.hasNextPage && !msgs.isFetchingNextPage) void msgs.fetchNextPage();
  };

  const c = conv.data;
  const name = c ? c.contactName || c.contactNumber || c.platformCustomerId : "…";
  return (
    <>
      <section className="chat-pane" aria-label={"Chat with " + name}>
        <header className="chat-head">
          <Link to="/inbox" className="back" aria-label="Back to conversations">
            ←
          </Link>
          <div className="grow">
            <h2>{name}</h2>
            {c && (
              <span className="muted">
                {c.platform === "WHATSAPP" ? "WhatsApp" : c.platform} · {c.snoozedUntil ? `snoozed until ${whenAt(c.snoozedUntil)}` : statusLabels[c.status].toLowerCase()}
              </span>
            )}
          </div>
          <CustomerPresenceText chatId={chatId} />
          <Viewers chatId={chatId} />
          {c && <ConversationActions conversation={c} />}
          <button className="ghost" aria-expanded={panel} onClick={() => setPanel(!panel)}>
            Customer
          </button>
        </header>
        <div className="history" ref={scrollRef} onScroll={onScroll}>
          {msgs.isFetchingNextPage && <p className="center muted">Loading older messages…</p>}
          {msgs.isError && <p role="alert">Could not load messages: {errorText(msgs.error)}</p>}
          <ol aria-label="Messages" className="messages">
            {list.map((m, i) => {
              const prev = list[i - 1];
              const newDay = !prev || !sameDay(new Date(prev.timestamp), new Date(m.timestamp));
              return (
                <Fragment key={m.messageId}>
                  {newDay && (
                    <li className="day">
                      <span>{dayLabel(m.timestamp)}</span>
                    </li>
                  )}
                  <MessageItem m={m} customer={name} chatId={chatId} onReply={setReplyTo} />
                </Fragment>
              );
            })}
          </ol>
        </div>
        <Composer chatId={chatId} replyTo={replyTo} onCancelReply={() => setReplyTo(null)} />
      </section>
      {panel && c && <CustomerPanel conversation={c} onClose={() => setPanel(false)} />}
    </>
  );
}

export type { Conversation };

/** The customer's typing or online state, as WhatsApp reports it (a live region: screen readers hear it). */
function CustomerPresenceText({ chatId }: { chatId: string }) {
  const text = useCustomerPresence(chatId);
  return (
    <span className="customer-presence muted" role="status" aria-label="Customer presence">
      {text}
    </span>
  );
}
