import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type Label } from "../api/client";
import { useLabels } from "../hooks/team";
import { Field } from "../components/Field";

/** The team's labels: name and color. Changing one changes it on every conversation (the inbox reads again). */
export function LabelsSettings({ manage }: { manage: boolean }) {
  const labels = useLabels();
  return (
    <section className="card stack" aria-labelledby="labels-h">
      <h2 id="labels-h">Labels</h2>
      {labels.isError && <p role="alert">{errorText(labels.error)}</p>}
      {labels.data?.data.length === 0 && <p className="muted">No labels yet.</p>}
      <ul className="plain" aria-label="Labels">
        {labels.data?.data.map((l) => (manage ? <LabelRow key={l.labelId + l.updatedAt} label={l} /> : <ReadOnlyLabel key={l.labelId} label={l} />))}
      </ul>
      {manage && <NewLabel count={labels.data?.data.length ?? 0} />}
    </section>
  );
}

function ReadOnlyLabel({ label }: { label: Label }) {
  return (
    <li className="label-chip">
      <span className="dot" style={{ background: label.color }} aria-hidden="true" />
      {label.name}
    </li>
  );
}

/** Labels are shown in the inbox and chats: they are read again after a change. */
function useLabelsChanged() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ["labels"] });
    void qc.invalidateQueries({ queryKey: ["conversations"] });
    void qc.invalidateQueries({ queryKey: ["conversation"] });
  };
}

function LabelRow({ label }: { label: Label }) {
  const changed = useLabelsChanged();
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState(fullHex(label.color));
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/labels/{labelId}", { params: { path: { labelId: label.labelId } }, body: { name, color } })),
    onSuccess: changed,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/labels/{labelId}", { params: { path: { labelId: label.labelId } } })),
    onSuccess: changed,
  });
  const dirty = name !== label.name || color !== fullHex(label.color);
  return (
    <li className="row">
      <input type="color" aria-label={`Color of ${label.name}`} value={color} onChange={(e) => setColor(e.target.value)} />
      <input aria-label={`Name of ${label.name}`} value={name} onChange={(e) => setName(e.target.value)} maxLength={50} />
      <button disabled={!dirty || save.isPending} onClick={() => save.mutate()}>
        Save {label.name}
      </button>
      <button className="ghost danger" disabled={remove.isPending} onClick={() => confirm(`Delete the label ${label.name}? It leaves every conversation.`) && remove.mutate()}>
        Delete {label.name}
      </button>
      {(save.isError || remove.isError) && (
        <span role="alert" className="error small">
          {errorText(save.error ?? remove.error)}
        </span>
      )}
    </li>
  );
}

// Colors offered for new labels, in turn.
const palette = ["#1f883d", "#0b5fd1", "#b3261e", "#8a5a00", "#8250df", "#0a7f86", "#c2185b"];

function NewLabel({ count }: { count: number }) {
  const changed = useLabelsChanged();
  const [name, setName] = useState("");
  const [color, setColor] = useState(palette[count % palette.length]!);
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/labels", { body: { name: name.trim(), color } })),
    onSuccess: () => {
      setName("");
      setColor(palette[(count + 1) % palette.length]!);
      changed();
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form className="row align-end" onSubmit={onSubmit} aria-label="New label">
      <Field label="Label name" error={err?.field("name") ?? (err && err.fields.length === 0 ? err.message : undefined)}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={50} required />}
      </Field>
      <Field label="Color" error={err?.field("color")}>
        {(p) => <input {...p} type="color" value={color} onChange={(e) => setColor(e.target.value)} />}
      </Field>
      <button type="submit" className="primary" disabled={add.isPending || !name.trim()}>
        Add label
      </button>
    </form>
  );
}

/** #rgb as #rrggbb: a color input takes only the long form. */
function fullHex(c: string): string {
  return /^#[0-9a-f]{3}$/i.test(c) ? "#" + [...c.slice(1)].map((x) => x + x).join("") : c.toLowerCase();
}
