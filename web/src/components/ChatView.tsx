import { Fragment, useEffect, useLayoutEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, newKey, unwrap, type Conversation, type Message } from "../api/client";
import { keys, upsertConversation, upsertMessage } from "../cache";
import { clock, dayLabel, sameDay } from "../format";
import { drafts } from "../session";
import { useLive } from "../App";
import { CustomerPanel } from "./CustomerPanel";

const statusLabel: Record<string, string> = { PENDING: "Pending", SENT: "Sent", DELIVERED: "Delivered", READ: "Read", FAILED: "Failed" };

/** One conversation: its history (older pages on scroll up), the composer and the customer panel. */
export function ChatView({ chatId }: { chatId: string }) {
  const qc = useQueryClient();
  const live = useLive();
  const [panel, setPanel] = useState(() => window.matchMedia("(min-width: 1100px)").matches);
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
            {c && <span className="muted">{c.platform === "WHATSAPP" ? "WhatsApp" : c.platform} · {c.status.toLowerCase()}</span>}
          </div>
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
                  <MessageItem m={m} customer={name} chatId={chatId} />
                </Fragment>
              );
            })}
          </ol>
        </div>
        <Composer chatId={chatId} />
      </section>
      {panel && c && <CustomerPanel conversation={c} onClose={() => setPanel(false)} />}
    </>
  );
}

function MessageItem({ m, customer, chatId }: { m: Message; customer: string; chatId: string }) {
  const send = useSend(chatId);
  const out = m.senderType !== "CUSTOMER";
  return (
    <li className={"msg " + (out ? "out" : "in")}>
      <span className="meta">
        <span className="sender">{out ? (m.senderType === "SYSTEM" ? "System" : "Team") : customer}</span>{" "}
        <time dateTime={m.timestamp}>{clock(m.timestamp)}</time>
      </span>
      <p className="body">{m.content}</p>
      {out && m.status in statusLabel && (
        <span className={"status s-" + m.status.toLowerCase()}>
          {statusLabel[m.status]}
          {m.status === "FAILED" && (
            <>
              {m.error ? `: ${m.error}` : ""}{" "}
              <button className="link" onClick={() => send.mutate({ content: m.content, key: m.messageId.startsWith("tmp-") ? m.messageId.slice(4) : newKey() })}>
                Retry
              </button>
            </>
          )}
        </span>
      )}
    </li>
  );
}

/** Sends with an Idempotency-Key; the message shows at once as PENDING and is reconciled by its
 * clientMessageId when the engine's copy arrives (answer or live event, whichever is first). */
function useSend(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ content, key }: { content: string; key: string }) =>
      unwrap(
        api.POST("/api/conversations/{chatId}/send", {
          params: { path: { chatId }, header: { "Idempotency-Key": key } },
          body: { content, metadata: { clientMessageId: key } },
        }),
      ),
    onMutate: ({ content, key }) => {
      const optimistic: Message = {
        messageId: "tmp-" + key,
        chatId,
        platformMessageId: null,
        senderType: "AGENT",
        contentType: "TEXT",
        content,
        metadata: { clientMessageId: key },
        timestamp: new Date().toISOString(),
        status: "PENDING",
        isRead: true,
      };
      upsertMessage(qc, optimistic);
    },
    onSuccess: (res) => upsertMessage(qc, res.message),
    onError: (err, { content, key }) => {
      qc.setQueryData(keys.messages(chatId), (old: { pages: { data: Message[] }[] } | undefined) =>
        old
          ? { ...old, pages: old.pages.map((p) => ({ ...p, data: p.data.map((x) => (x.messageId === "tmp-" + key ? { ...x, content, status: "FAILED" as const, error: errorText(err) } : x)) })) }
          : old,
      );
    },
  });
}

function Composer({ chatId }: { chatId: string }) {
  const live = useLive();
  const send = useSend(chatId);
  const [text, setText] = useState(() => drafts.get(chatId));
  // The text as of the last keystroke, read and cleared synchronously: a second click in the same moment
  // finds it empty even before React renders, so nothing is sent twice.
  const current = useRef(text);
  const typingUntil = useRef(0);
  const stopTimer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(stopTimer.current), []);
  const typing = (on: boolean) => live?.send("typing", { chatId, on });
  const change = (v: string) => {
    setText(v);
    current.current = v;
    drafts.set(chatId, v);
    const now = Date.now();
    if (now > typingUntil.current) {
      typing(true);
      typingUntil.current = now + 3000;
    }
    clearTimeout(stopTimer.current);
    stopTimer.current = setTimeout(() => {
      typing(false);
      typingUntil.current = 0;
    }, 4000);
  };
  const submit = () => {
    const content = current.current.trim();
    if (!content) return;
    current.current = "";
    setText("");
    drafts.set(chatId, "");
    clearTimeout(stopTimer.current);
    typing(false);
    typingUntil.current = 0;
    send.mutate({ content, key: newKey() });
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder="Write a reply…  (Enter sends, Shift+Enter breaks the line)"
        rows={2}
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" className="primary" disabled={!text.trim()}>
        Send
      </button>
    </form>
  );
}

export type { Conversation };
