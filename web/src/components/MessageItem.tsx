import { newKey, type Message } from "../api/client";
import { clock } from "../format";
import { useSend } from "../hooks/send";
import { useMemberName } from "../hooks/team";
import { MessageMedia } from "./MessageMedia";

const statusLabel: Record<string, string> = { PENDING: "Pending", SENT: "Sent", DELIVERED: "Delivered", READ: "Read", FAILED: "Failed" };

/** One message of the history: who and when, the text, and for the team's messages the delivery status. */
export function MessageItem({ m, customer, chatId }: { m: Message; customer: string; chatId: string }) {
  if (m.senderType === "NOTE") return <NoteItem m={m} />;
  return <SentOrReceived m={m} customer={customer} chatId={chatId} />;
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

function SentOrReceived({ m, customer, chatId }: { m: Message; customer: string; chatId: string }) {
  const send = useSend(chatId);
  const out = m.senderType !== "CUSTOMER";
  return (
    <li className={"msg " + (out ? "out" : "in")}>
      <span className="meta">
        <span className="sender">{out ? (m.senderType === "SYSTEM" ? "System" : "Team") : customer}</span>{" "}
        <time dateTime={m.timestamp}>{clock(m.timestamp)}</time>
      </span>
      <MessageMedia m={m} />
      {(m.content || !m.media) && <p className="body">{m.content}</p>}
      {out && m.status in statusLabel && (
        <span className={"status s-" + m.status.toLowerCase()}>
          {statusLabel[m.status]}
          {m.status === "FAILED" && (
            <>
              {m.error ? `: ${m.error}` : ""}{" "}
              <button className="link" onClick={() => send.mutate({ content: m.content, key: m.messageId.startsWith("tmp-") ? m.messageId.slice(4) : newKey(), media: m.media ? { contentType: m.contentType, file: m.media } : undefined })}>
                Retry
              </button>
            </>
          )}
        </span>
      )}
    </li>
  );
}

