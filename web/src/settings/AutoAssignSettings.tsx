import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap } from "../api/client";
import { Field } from "../components/Field";

/** Automatic assignment (owners and admins): new conversations go to online agents in turn, up to a cap. */
export function AutoAssignSettings() {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ["settings"], queryFn: () => unwrap(api.GET("/api/settings")) });
  const [enabled, setEnabled] = useState(false);
  const [cap, setCap] = useState("10");
  const current = settings.data?.autoAssign;
  useEffect(() => {
    if (current) {
      setEnabled(current.enabled);
      setCap(String(current.maxOpenPerAgent));
    }
  }, [current?.enabled, current?.maxOpenPerAgent]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/settings", { body: { autoAssign: { enabled, maxOpenPerAgent: Number(cap) } } })),
    onSuccess: (s) => qc.setQueryData(["settings"], s),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <section className="card stack" aria-labelledby="auto-assign-h">
      <h2 id="auto-assign-h">Automatic assignment</h2>
      <p className="muted small">
        A new conversation, or an unassigned one the customer writes in, goes to the next agent who has the inbox open, in turn, skipping those who
        already hold the most open conversations allowed. Owners and admins are not assigned automatically.
      </p>
      {settings.isError && <p role="alert">{errorText(settings.error)}</p>}
      {current && (
        <form className="row align-end" onSubmit={onSubmit} aria-label="Automatic assignment form">
          <label className="inline">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Assign new conversations automatically
          </label>
          <Field label="Most open conversations per agent" error={err?.field("autoAssign.maxOpenPerAgent")}>
            {(p) => <input {...p} type="number" min={1} max={1000} value={cap} onChange={(e) => setCap(e.target.value)} required />}
          </Field>
          <button type="submit" className="primary" disabled={save.isPending}>
            Save automatic assignment
          </button>
        </form>
      )}
      {save.isError && (!err || err.fields.length === 0) && (
        <p role="alert" className="error">
          {errorText(save.error)}
        </p>
      )}
      {save.isSuccess && <p className="muted small">Saved.</p>}
    </section>
  );
}
