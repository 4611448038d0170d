import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, newKey, unwrap, uploadMedia, type Message } from "../api/client";
import { upsertMessage } from "../cache";
import { drafts } from "../session";
import { useLive } from "../App";
import { useSend } from "../hooks/send";
import { memberName, useTeam } from "../hooks/team";
import { findTrigger, usePickerKeys, type Trigger } from "../hooks/picker";
import { Suggestions, type Suggestion } from "./Suggestions";
import { AttachFile } from "./AttachFile";
import { quoteText } from "./MessageActions";

/** The kind of message a file is sent as (the engine checks the same: image/* IMAGE, video/* VIDEO, audio/*
 * AUDIO, anything else FILE). */
function contentTypeOf(mime: string): Message["contentType"] {
  if (mime.startsWith("image/")) return "IMAGE";
  if (mime.startsWith("video/")) return "VIDEO";
  if (mime.startsWith("audio/")) return "AUDIO";
  return "FILE";
}

type Mode = "reply" | "note";

/** Writing in a conversation: a reply to the customer or an internal note (only the team sees it). Enter
 * sends, Shift+Enter breaks the line; "/" at the start offers canned replies, "@" in a note mentions a team
 * member. Drafts (one per mode) survive a reload. */
export function Composer({ chatId, replyTo, onCancelReply }: { chatId: string; replyTo: Message | null; onCancelReply: () => void }) {
  const qc = useQueryClient();
  const live = useLive();
  const send = useSend(chatId);
  const team = useTeam();
  const listId = useId();
  const [mode, setMode] = useState<Mode>("reply");
  const draftKey = mode === "note" ? chatId + ":note" : chatId;
  const [text, setText] = useState(() => drafts.get(chatId));
  // The text as of the last keystroke, read and cleared synchronously: a second click in the same moment
  // finds it empty even before React renders, so nothing is sent twice.
  const current = useRef(text);
  const box = useRef<HTMLTextAreaElement>(null);
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  // Members picked with @ in this note, by the name written: a name deleted from the text is no mention.
  const mentioned = useRef(new Map<string, string>());
  const typingUntil = useRef(0);
  const stopTimer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(stopTimer.current), []);
  const typing = (on: boolean) => live?.send("typing", { chatId, on });

  const canned = useQuery({
    queryKey: ["canned-replies"],
    queryFn: () => unwrap(api.GET("/api/canned-replies", { params: { query: { limit: 200 } } })),
    enabled: trigger?.kind === "canned",
    staleTime: 5_000,
  });
  // Opening the @ picker reads the team again (someone may have joined since the list was read).
  const mentionOpen = trigger?.kind === "mention";
  useEffect(() => {
    if (mentionOpen) void team.refetch();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mentionOpen]);
  const q = trigger?.query.toLowerCase() ?? "";
  const items: Suggestion[] =
    trigger?.kind === "mention"
      ? (team.data?.data ?? [])
          .filter((u) => memberName(u).toLowerCase().includes(q) || u.email.toLowerCase().includes(q))
          .slice(0, 8)
          .map((u) => ({ id: u.userId, label: memberName(u), detail: u.role.toLowerCase() }))
      : trigger?.kind === "canned"
        ? (canned.data?.data ?? [])
            .filter((c) => c.shortcut.toLowerCase().startsWith(q))
            .slice(0, 8)
            .map((c) => ({ id: c.cannedReplyId, label: "/" + c.shortcut, detail: c.content.length > 60 ? c.content.slice(0, 59) + "…" : c.content }))
        : [];

  const setValue = (v: string, caret = v.length) => {
    setText(v);
    current.current = v;
    drafts.set(draftKey, v);
    setTrigger(findTrigger(v, caret, mode === "note" ? ["mention"] : ["canned"]));
  };
  const switchMode = (m: Mode) => {
    if (m === mode) return;
    drafts.set(draftKey, current.current);
    const v = drafts.get(m === "note" ? chatId + ":note" : chatId);
    setMode(m);
    setText(v);
    current.current = v;
    setTrigger(null);
    box.current?.focus();
  };
  const change = (v: string, caret: number) => {
    setValue(v, caret);
    if (mode !== "reply") return;
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
  const clear = () => {
    current.current = "";
    setText("");
    drafts.set(draftKey, "");
    setTrigger(null);
  };

  const note = useMutation({
    mutationFn: (body: { content: string; mentions: string[] }) => unwrap(api.POST("/api/conversations/{chatId}/notes", { params: { path: { chatId } }, body })),
    onSuccess: (res) => upsertMessage(qc, res.message),
    onError: (_e, body) => {
      if (!current.current) setValue(body.content); // give the text back to fix and retry
    },
  });

  // A file is uploaded first, then sent with the text as its caption (audio takes no caption: the text stays).
  const attach = useMutation({
    mutationFn: (f: File) => uploadMedia(f),
    onSuccess: (file) => {
      const contentType = contentTypeOf(file.mimeType);
      const caption = contentType === "AUDIO" ? "" : current.current.trim();
      if (caption) clear();
      send.mutate({ content: caption, key: newKey(), media: { contentType, file }, replyTo: quoted() });
      onCancelReply();
    },
  });

  // The quoted message of a reply, as the optimistic copy shows it.
  const quoted = () => (replyTo && mode === "reply" ? { messageId: replyTo.messageId, excerpt: replyTo.content.slice(0, 160) } : undefined);
  useEffect(() => {
    if (replyTo) box.current?.focus();
  }, [replyTo]);

  const pick = (s: Suggestion) => {
    if (!trigger) return;
    if (trigger.kind === "canned") {
      clear();
      send.mutate({ content: "", key: newKey(), cannedReplyId: s.id });
      return;
    }
    const caret = box.current?.selectionStart ?? current.current.length;
    const v = current.current;
    const insert = "@" + s.label + " ";
    mentioned.current.set(s.label, s.id);
    const next = v.slice(0, trigger.start) + insert + v.slice(caret);
    setValue(next, trigger.start + insert.length);
    setTrigger(null);
    requestAnimationFrame(() => box.current?.setSelectionRange(trigger.start + insert.length, trigger.start + insert.length));
  };
  const keys = usePickerKeys(items, pick, () => setTrigger(null));

  const submit = () => {
    const content = current.current.trim();
    if (!content) return;
    clear();
    if (mode === "note") {
      const mentions = [...new Set([...mentioned.current].filter(([name]) => content.includes("@" + name)).map(([, id]) => id))];
      mentioned.current.clear();
      note.mutate({ content, mentions });
      return;
    }
    clearTimeout(stopTimer.current);
    typing(false);
    typingUntil.current = 0;
    send.mutate({ content, key: newKey(), replyTo: quoted() });
    onCancelReply();
  };
  const open = trigger !== null && (trigger.kind === "mention" || canned.isSuccess);
  const failed = (note.isError && note.error) || (send.isError && send.variables?.cannedReplyId && send.error) || (attach.isError && attach.error);
  return (
    <form
      className={"composer" + (mode === "note" ? " note-mode" : "")}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="composer-modes" role="group" aria-label="Write a">
        <button type="button" className="ghost" aria-pressed={mode === "reply"} onClick={() => switchMode("reply")}>
          Reply
        </button>
        <button type="button" className="ghost" aria-pressed={mode === "note"} onClick={() => switchMode("note")}>
          Note
        </button>
      </div>
      {failed && (
        <p role="alert" className="error small composer-error">
          {mode === "note" ? "The note was not saved: " : attach.isError ? "The file was not sent: " : "Not sent: "}
          {errorText(failed)}
        </p>
      )}
      {replyTo && mode === "reply" && (
        <div className="replying" role="group" aria-label="Replying to">
          <span className="muted small">Replying to</span> <span className="quote-text">{quoteText({ excerpt: replyTo.content.slice(0, 160) })}</span>{" "}
          <button type="button" className="link" onClick={onCancelReply}>
            Cancel reply
          </button>
        </div>
      )}
      {open && <Suggestions id={listId} label={trigger.kind === "mention" ? "Mention a team member" : "Canned replies"} items={items} active={keys.active} onPick={pick} />}
      {attach.isPending && (
        <p className="muted small composer-error" role="status">
          Uploading {attach.variables?.name}…
        </p>
      )}
      <div className="composer-row">
        {mode === "reply" && <AttachFile disabled={attach.isPending} onFile={(f) => attach.mutate(f)} />}
        <textarea
          ref={box}
          aria-label={mode === "note" ? "Internal note" : "Message"}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open && items.length > 0 ? `${listId}-${keys.active}` : undefined}
          aria-autocomplete="list"
          placeholder={mode === "note" ? "A note only the team sees; @ mentions a teammate" : "Write a reply…  (Enter sends, / for canned replies)"}
          rows={2}
          value={text}
          onChange={(e) => change(e.target.value, e.target.selectionStart)}
          onKeyDown={(e) => {
            if (open && keys.onKey(e)) return;
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" className="primary" disabled={!text.trim() || note.isPending}>
          {mode === "note" ? "Add note" : "Send"}
        </button>
      </div>
    </form>
  );
}
