import { useState } from "react";
import { newKey, type Message } from "../api/client";
import { clock } from "../format";
import { useSend } from "../hooks/send";
import { useMemberName } from "../hooks/team";
import { MessageMedia } from "./MessageMedia";
import { ContactCards, Location } from "./Structured";
import { EditMessage, History, MessageActions, Quote, Reactions } from "./MessageActions";

const statusLabel: Record<string, string> = { PENDING: "Pending", SENT: "Sent", DELIVERED: "Delivered", READ: "Read", FAILED: "Failed" };

/** One message of the history: who and when, the text, and for the team's messages the delivery status. */
export function MessageItem({ m, customer, chatId, onReply }: { m: Message; customer: string; chatId: string; onReply: (m: Message) => void }) {
  if (m.senderType === "NOTE") return <NoteItem m={m} />;
  return <SentOrReceived m={m} customer={customer} chatId={chatId} onReply={onReply} />;
}

/** An internal note: set apart (its own color and side, "Internal note" as its name), never sent. */
function NoteItem({ m }: { m: Message }) {
  const name = useMemberName();
  const author = typeof m.metadata?.["authorId"] === "string" ? name(m.metadata["authorId"] as string) : "";
  return (
    <li className="msg note" aria-label={"Internal note" + (author ? " by " + author : "")}>
      <span className="meta">
        <span className="sender">Internal note{author ? ` · ${author}` : ""}</span> <time dateTime={m.timestamp}>{clock(m.timestamp)}</time>
      </span>
      <p className="body">{m.content}</p>
    </li>
  );
}

function SentOrReceived({ m, customer, chatId, onReply }: { m: Message; customer: string; chatId: string; onReply: (m: Message) => void }) {
  const send = useSend(chatId);
  const [editing, setEditing] = useState(false);
  const out = m.senderType !== "CUSTOMER";
  return (
    <li className={"msg " + (out ? "out" : "in")}>
      <span className="meta">
        <span className="sender">{out ? (m.senderType === "SYSTEM" ? "System" : "Team") : customer}</span>{" "}
        <time dateTime={m.timestamp}>{clock(m.timestamp)}</time>
      </span>
      {m.replyTo && <Quote q={m.replyTo} />}
      {m.revokedAt ? (
        <>
          <p className="body deleted">This message was deleted</p>
          <details className="versions">
            <summary>What it said</summary>
            <p className="body">{m.content}</p>
          </details>
        </>
      ) : editing ? (
        <EditMessage m={m} onDone={() => setEditing(false)} />
      ) : (
        <>
          <MessageMedia m={m} />
          <Location m={m} />
          <ContactCards m={m} />
          {(m.content || !m.media) && !m.location && !m.contacts?.length && <p className="body">{m.content}</p>}
          <History m={m} />
        </>
      )}
      <Reactions m={m} customer={customer} />
      {/* Before the status, which stays the item's last words ("… Sent"). */}
      {!editing && <MessageActions m={m} onReply={onReply} onEdit={() => setEditing(true)} />}
      {out && m.status in statusLabel && (
        <span className={"status s-" + m.status.toLowerCase()}>
          {statusLabel[m.status]}
          {m.status === "FAILED" && (
            <>
              {m.error ? `: ${m.error}` : ""}{" "}
              <button className="link" onClick={() => send.mutate({ content: m.content, key: m.messageId.startsWith("tmp-") ? m.messageId.slice(4) : newKey(), media: m.media ? { contentType: m.contentType, file: m.media } : undefined, replyTo: m.replyTo ?? undefined })}>
                Retry
              </button>
            </>
          )}
        </span>
      )}
    </li>
  );
}

