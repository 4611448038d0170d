import { useEffect, useRef, type KeyboardEvent } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Link } from "react-router-dom";
import { api, errorText, unwrap, type Conversation } from "../api/client";
import { keys, type ConversationFilter } from "../cache";
import { shortTime } from "../format";
import { useMe } from "../App";
import { useMemberName } from "../hooks/team";
import { LabelChips } from "./LabelChips";

/** The inbox list, newest activity first, virtualized: only the rows in view are in the page. */
export function ConversationList({ filter, selected, onOpen }: { filter: ConversationFilter; selected?: string; onOpen: (chatId: string) => void }) {
  const q = useInfiniteQuery({
    queryKey: keys.conversations(filter),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/conversations", {
          params: {
            query: {
              limit: 100,
              cursor: pageParam || undefined,
              status: (filter.status || undefined) as Conversation["status"] | undefined,
              search: filter.search || undefined,
              assignee: filter.assignee || undefined,
              label: filter.label || undefined,
            },
          },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.data) ?? [];
  const me = useMe();
  const memberName = useMemberName();
  const assigneeText = (id: string | null) => (!id ? "" : id === me.user.userId ? "you" : memberName(id));
  // Channel names for the rows (the same query the Channels screen uses).
  const channels = useQuery({ queryKey: ["channels"], queryFn: () => unwrap(api.GET("/api/channels", { params: { query: { limit: 200 } } })) });
  const channelName = (c: Conversation) =>
    channels.data?.data.find((ch) => ch.channelId === c.channelId)?.channelName || (c.platform === "WHATSAPP" ? "WhatsApp" : c.platform);
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => 68, overscan: 8 });
  const virtual = v.getVirtualItems();
  const last = virtual[virtual.length - 1];
  useEffect(() => {
    if (last && last.index >= items.length - 20 && q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
  }, [last, items.length, q]);

  const focusRow = (i: number) => {
    v.scrollToIndex(i, { align: "auto" });
    const tryFocus = (n: number) => {
      const a = scrollRef.current?.querySelector<HTMLAnchorElement>(`[data-index="${i}"] a`);
      if (a) a.focus();
      else if (n > 0) requestAnimationFrame(() => tryFocus(n - 1));
    };
    requestAnimationFrame(() => tryFocus(5));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const row = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-index]");
    const at = row ? Number(row.dataset.index) : -1;
    const next = Math.max(0, Math.min(items.length - 1, at + (e.key === "ArrowDown" ? 1 : -1)));
    focusRow(next);
  };

  if (q.isError) return <p role="alert" className="pad">Could not load the inbox: {errorText(q.error)}</p>;
  return (
    <div ref={scrollRef} className="conv-scroll" onKeyDown={onKeyDown}>
      {q.isPending && <p className="pad muted">Loading conversations…</p>}
      {!q.isPending && items.length === 0 && <p className="pad muted">No conversations yet. Create an API channel under Channels and play the customer.</p>}
      <ul aria-label="Conversations" className="conv-list" style={{ height: v.getTotalSize() }}>
        {virtual.map((row) => {
          const c = items[row.index]!;
          const name = c.contactName || c.contactNumber || c.platformCustomerId;
          return (
            <li
              key={c.chatId}
              aria-labelledby={"conv-" + c.chatId}
              data-index={row.index}
              aria-setsize={q.hasNextPage ? -1 : items.length}
              aria-posinset={row.index + 1}
              className="conv-row"
              style={{ transform: `translateY(${row.start}px)`, height: row.size }}
            >
              <Link
                to={"/inbox/" + c.chatId}
                aria-current={selected === c.chatId ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  onOpen(c.chatId);
                }}
              >
                <span className="conv-top">
                  {c.contactAvatarUrl && <img className="avatar" src={c.contactAvatarUrl} alt="" width={24} height={24} loading="lazy" />}
                  <strong className="conv-name" id={"conv-" + c.chatId}>
                    {name}
                  </strong>
                  <LabelChips labels={c.labels} />
                  <time className="muted">{c.lastMessageAt ? shortTime(c.lastMessageAt) : ""}</time>
                </span>
                <span className="conv-bottom">
                  <span className="conv-last muted">{c.lastMessage ?? "No messages"}</span>
                  {c.assignee && <span className="assignee">Assigned to {assigneeText(c.assignee)}</span>}
                  <span className="chip">{channelName(c)}</span>
                  {c.unreadCount > 0 && (
                    <span className="badge" aria-label={`${c.unreadCount} unread`}>
                      {c.unreadCount}
                    </span>
                  )}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
