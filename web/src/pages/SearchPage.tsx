import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, errorText, unwrap, type Schemas } from "../api/client";
import { shortTime } from "../format";
import { Excerpt } from "../components/Excerpt";
import { statusLabels } from "../components/ConversationFilters";

type Result = Schemas["SearchConversation"];
const kindLabel: Record<Schemas["SearchHit"]["kind"], string> = { message: "Message", note: "Internal note", customer: "Customer" };

/** Full-text search over messages, notes and customers (GET /api/search), hits grouped by conversation with
 * the matched words highlighted; a result opens its conversation. The query is in the URL (?q=). */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => {
    const t = setTimeout(() => {
      const v = text.trim();
      if (v !== q) setParams(v ? { q: v } : {}, { replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [text, q, setParams]);
  const results = useInfiniteQuery({
    queryKey: ["search", q],
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/search", { params: { query: { q, limit: 20, cursor: pageParam || undefined } } })),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: q.length > 0,
  });
  const items = results.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="page search-page">
      <h1>Search</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          aria-label="Search messages, notes and customers"
          placeholder="Words from messages, notes, names, emails or phones"
          value={text}
          autoFocus
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
        />
      </form>
      {results.isError && <p role="alert">{errorText(results.error)}</p>}
      {q && results.isPending && <p className="muted">Searching…</p>}
      {q && results.isSuccess && (
        <p className="muted small" role="status">
          {items.length === 0 ? "Nothing found." : `${items.length}${results.hasNextPage ? "+" : ""} conversation${items.length === 1 ? "" : "s"} found.`}
        </p>
      )}
      <ul className="plain search-results" aria-label="Search results">
        {items.map((r) => (
          <SearchResult key={r.chatId} r={r} />
        ))}
      </ul>
      {results.hasNextPage && (
        <button disabled={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
          More results
        </button>
      )}
    </div>
  );
}

function SearchResult({ r }: { r: Result }) {
  const name = r.customer.fullName || r.customer.phone || r.customer.platformCustomerId;
  const headingId = "sr-" + r.chatId;
  return (
    <li className="card search-result" aria-labelledby={headingId}>
      <div className="row">
        <Link to={"/inbox/" + r.chatId} id={headingId} className="search-open">
          {name}
        </Link>
        <span className="muted small">
          {statusLabels[r.status]} · {r.hitCount} {r.hitCount === 1 ? "hit" : "hits"}
          {r.lastMessageAt ? ` · ${shortTime(r.lastMessageAt)}` : ""}
        </span>
      </div>
      <ul className="plain hits">
        {r.hits.map((h, i) => (
          <li key={h.messageId ?? "c" + i} className={"hit hit-" + h.kind}>
            <span className="hit-kind">{kindLabel[h.kind]}</span> <Excerpt html={h.excerpt} />{" "}
            <time className="muted small" dateTime={h.createdAt}>
              {shortTime(h.createdAt)}
            </time>
          </li>
        ))}
      </ul>
    </li>
  );
}
