import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Message } from "../api/client";
import { upsertMessage } from "../cache";
import { useMemberName } from "../hooks/team";
import { clock } from "../format";

/** The reactions offered in one click (any emoji works through the API). */
const quickReactions = ["👍", "❤️", "😂", "😮", "🙏"];

/** The text of a quoted message as a reply shows it. */
export function quoteText(q: { excerpt: string }): string {
  return q.excerpt || "This message was deleted";
}

/** The quoted message above a reply. */
export function Quote({ q }: { q: NonNullable<Message["replyTo"]> }) {
  return (
    <blockquote className="quote">
      <span className="sr-only">In reply to: </span>
      {quoteText(q)}
    </blockquote>
  );
}

/** Reactions under a message, each named with who reacted. */
export function Reactions({ m, customer }: { m: Message; customer: string }) {
  const name = useMemberName();
  if (!m.reactions?.length) return null;
  const who = (by: string) => (by === "CUSTOMER" ? customer : by === "PHONE" ? "the business's phone" : name(by));
  return (
    <ul className="reactions" aria-label="Reactions">
      {m.reactions.map((r) => (
        <li key={r.by} aria-label={`${r.emoji} by ${who(r.by)}`} title={who(r.by)}>
          {r.emoji}
        </li>
      ))}
    </ul>
  );
}

/** "Edited" with the previous versions a click away, and "This message was deleted" with what it said. */
export function History({ m }: { m: Message }) {
  return (
    <>
      {m.editedAt && (m.versions?.length ?? 0) > 0 && (
        <details className="versions">
          <summary>Edited · previous versions</summary>
          <ol aria-label="Previous versions">
            {m.versions!.map((v, i) => (
              <li key={i}>
                <time dateTime={v.at}>{clock(v.at)}</time> {v.content}
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}

/** The actions on a message: reply, react, and for the team's own sent messages edit and delete for everyone.
 * Each control is named for the message it acts on by its place in the list item. */
export function MessageActions({ m, onReply, onEdit }: { m: Message; onReply: (m: Message) => void; onEdit: () => void }) {
  const qc = useQueryClient();
  const [picking, setPicking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const done = (msg: Message) => upsertMessage(qc, msg);
  const react = useMutation({
    mutationFn: (emoji: string) => unwrap(api.POST("/api/messages/{messageId}/reactions", { params: { path: { messageId: m.messageId } }, body: { emoji } })),
    onSuccess: (msg) => {
      done(msg);
      setPicking(false);
    },
  });
  const revoke = useMutation({
    mutationFn: () => unwrap(api.POST("/api/messages/{messageId}/revoke", { params: { path: { messageId: m.messageId } } })),
    onSuccess: (msg) => {
      done(msg);
      setConfirming(false);
    },
  });
  if (m.messageId.startsWith("tmp-") || m.revokedAt) return null;
  const ours = m.senderType === "AGENT";
  const sent = m.status !== "PENDING" && m.status !== "FAILED";
  const mine = m.reactions?.find((r) => r.by !== "CUSTOMER");
  const failed = react.error ?? revoke.error;
  return (
    <div className="msg-actions" role="group" aria-label="Message actions">
      <button type="button" className="link" aria-label="Reply to this message" onClick={() => onReply(m)}>
        Reply
      </button>
      <button type="button" className="link" aria-label="React to this message" aria-expanded={picking} onClick={() => setPicking(!picking)}>
        React
      </button>
      {ours && sent && m.contentType === "TEXT" && (
        <button type="button" className="link" aria-label="Edit this message" onClick={onEdit}>
          Edit
        </button>
      )}
      {ours && sent && !confirming && (
        <button type="button" className="link" aria-label="Delete this message for everyone" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      {confirming && (
        <span className="confirm">
          Delete for everyone?{" "}
          <button type="button" className="link" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
            Yes, delete
          </button>{" "}
          <button type="button" className="link" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </span>
      )}
      {picking && (
        <span className="picker" role="group" aria-label="Reactions to choose from">
          {quickReactions.map((e) => (
            <button type="button" key={e} className="ghost" aria-label={"React with " + e} aria-pressed={mine?.emoji === e} onClick={() => react.mutate(mine?.emoji === e ? "" : e)}>
              {e}
            </button>
          ))}
          {mine && (
            <button type="button" className="link" onClick={() => react.mutate("")}>
              Remove my reaction
            </button>
          )}
        </span>
      )}
      {failed && (
        <p role="alert" className="error small">
          {errorText(failed)}
        </p>
      )}
    </div>
  );
}

/** Editing the team's message in place: the text, Save and Cancel; a refusal (after the window) shows why. */
export function EditMessage({ m, onDone }: { m: Message; onDone: () => void }) {
  const qc = useQueryClient();
  const [text, setText] = useState(m.content);
  const edit = useMutation({
    mutationFn: (content: string) => unwrap(api.PATCH("/api/messages/{messageId}", { params: { path: { messageId: m.messageId } }, body: { content } })),
    onSuccess: (msg) => {
      upsertMessage(qc, msg);
      onDone();
    },
  });
  return (
    <form
      className="edit-message"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) edit.mutate(text);
      }}
    >
      <textarea aria-label="Edit message" rows={2} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
      <button type="submit" className="primary" disabled={!text.trim() || edit.isPending}>
        Save edit
      </button>{" "}
      <button type="button" className="ghost" onClick={onDone}>
        Cancel edit
      </button>
      {edit.isError && (
        <p role="alert" className="error small">
          Not edited: {errorText(edit.error)}
        </p>
      )}
    </form>
  );
}
