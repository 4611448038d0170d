import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type CannedReply } from "../api/client";
import { Field } from "../components/Field";

const variables = ["{{customer.name}}", "{{customer.firstName}}", "{{customer.email}}", "{{customer.phone}}", "{{agent.name}}", "{{agent.email}}"];

/** Saved answers: typing /shortcut in the composer sends one, its variables filled by the engine. */
export function CannedRepliesSettings({ manage }: { manage: boolean }) {
  const canned = useQuery({ queryKey: ["canned-replies"], queryFn: () => unwrap(api.GET("/api/canned-replies", { params: { query: { limit: 200 } } })), refetchOnMount: "always" });
  return (
    <section className="card stack" aria-labelledby="canned-h">
      <h2 id="canned-h">Canned replies</h2>
      <p className="muted small">
        Type <kbd>/</kbd> and the shortcut in a reply to send one. Variables: <code>{variables.join(" ")}</code>
      </p>
      {canned.isError && <p role="alert">{errorText(canned.error)}</p>}
      {canned.data?.data.length === 0 && <p className="muted">No canned replies yet.</p>}
      <ul className="plain" aria-label="Canned replies">
        {canned.data?.data.map((c) => (manage ? <CannedRow key={c.cannedReplyId + c.updatedAt} reply={c} /> : <ReadOnlyCanned key={c.cannedReplyId} reply={c} />))}
      </ul>
      {manage && <NewCanned />}
    </section>
  );
}

function ReadOnlyCanned({ reply }: { reply: CannedReply }) {
  return (
    <li>
      <strong>/{reply.shortcut}</strong> <span className="muted">{reply.content}</span>
    </li>
  );
}

function CannedRow({ reply }: { reply: CannedReply }) {
  const qc = useQueryClient();
  const [shortcut, setShortcut] = useState(reply.shortcut);
  const [content, setContent] = useState(reply.content);
  const done = { onSuccess: () => void qc.invalidateQueries({ queryKey: ["canned-replies"] }) };
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/canned-replies/{cannedReplyId}", { params: { path: { cannedReplyId: reply.cannedReplyId } }, body: { shortcut, content } })),
    ...done,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/canned-replies/{cannedReplyId}", { params: { path: { cannedReplyId: reply.cannedReplyId } } })),
    ...done,
  });
  const dirty = shortcut !== reply.shortcut || content !== reply.content;
  return (
    <li className="canned-row">
      <input aria-label={`Shortcut of /${reply.shortcut}`} value={shortcut} onChange={(e) => setShortcut(e.target.value)} maxLength={50} />
      <textarea aria-label={`Text of /${reply.shortcut}`} value={content} rows={2} onChange={(e) => setContent(e.target.value)} />
      <span className="row">
        <button disabled={!dirty || save.isPending} onClick={() => save.mutate()}>
          Save /{reply.shortcut}
        </button>
        <button className="ghost danger" disabled={remove.isPending} onClick={() => confirm(`Delete /${reply.shortcut}?`) && remove.mutate()}>
          Delete /{reply.shortcut}
        </button>
      </span>
      {(save.isError || remove.isError) && (
        <span role="alert" className="error small">
          {errorText(save.error ?? remove.error)}
        </span>
      )}
    </li>
  );
}

function NewCanned() {
  const qc = useQueryClient();
  const [shortcut, setShortcut] = useState("");
  const [content, setContent] = useState("");
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/canned-replies", { body: { shortcut: shortcut.trim(), content } })),
    onSuccess: () => {
      setShortcut("");
      setContent("");
      void qc.invalidateQueries({ queryKey: ["canned-replies"] });
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form className="stack narrow-form" onSubmit={onSubmit} aria-label="New canned reply">
      <Field label="Shortcut" error={err?.field("shortcut")}>
        {(p) => <input {...p} value={shortcut} onChange={(e) => setShortcut(e.target.value)} maxLength={50} placeholder="thanks" required />}
      </Field>
      <Field label="Text" error={err?.field("content")}>
        {(p) => <textarea {...p} value={content} rows={3} onChange={(e) => setContent(e.target.value)} placeholder="Thank you, {{customer.firstName}}!" required />}
      </Field>
      {add.isError && (!err || err.fields.length === 0) && (
        <p role="alert" className="error">
          {errorText(add.error)}
        </p>
      )}
      <button type="submit" className="primary" disabled={add.isPending || !shortcut.trim() || !content.trim()}>
        Add canned reply
      </button>
    </form>
  );
}
