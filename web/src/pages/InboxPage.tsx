import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ConversationList } from "../components/ConversationList";
import { ChatView } from "../components/ChatView";
import { ConversationFilters } from "../components/ConversationFilters";
import { noFilter, type ConversationFilter } from "../cache";

/** The inbox: conversation list, the open chat and its customer panel. On a phone, one pane at a time. */
export function InboxPage() {
  const { chatId } = useParams();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<ConversationFilter>(noFilter);
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);
  // "/" focuses the search box from anywhere outside a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === "/" && !e.ctrlKey && !e.metaKey && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const filter: ConversationFilter = { ...filters, search: debounced };
  return (
    <div className={"inbox" + (chatId ? " has-chat" : "")}>
      <section className="list-pane" aria-label="Inbox">
        <div className="list-tools">
          <input
            ref={searchRef}
            type="search"
            aria-label="Search conversations"
            placeholder="Search  ( / )"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <ConversationFilters filter={filters} onChange={setFilters} />
        {debounced && (
          <Link className="pad-x small" to={"/search?q=" + encodeURIComponent(debounced)}>
            Search all messages for “{debounced}”
          </Link>
        )}
        <ConversationList filter={filter} selected={chatId} onOpen={(id) => navigate("/inbox/" + id)} />
      </section>
      {chatId ? (
        <ChatView key={chatId} chatId={chatId} />
      ) : (
        <section className="chat-pane empty muted" aria-label="Chat">
          <p>Choose a conversation. Keys: ↑ ↓ move, Enter opens, / searches.</p>
        </section>
      )}
    </div>
  );
}
