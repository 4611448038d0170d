import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap } from "../api/client";
import { Field } from "./Field";

/** Adds another WhatsApp number (a WHATSAPP channel); its card then connects it by QR or pairing code. */
export function AddWhatsAppNumber() {
  const qc = useQueryClient();
  const [channelName, setName] = useState("");
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/channels", { body: { platformType: "WHATSAPP", channelName } })),
    onSuccess: () => {
      setName("");
      void qc.invalidateQueries({ queryKey: ["channels"] });
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form className="card stack narrow" onSubmit={onSubmit} aria-label="Add a WhatsApp number">
      <h2>Add a WhatsApp number</h2>
      <p className="muted small">Each number links its own phone and has its own status; replies go out through the number the customer wrote to.</p>
      <Field label="Number name" error={err?.field("channelName")}>
        {(p) => <input {...p} value={channelName} onChange={(e) => setName(e.target.value)} placeholder="Sales" required />}
      </Field>
      {add.isError && (!err || err.fields.length === 0) && <p role="alert" className="error">{errorText(add.error)}</p>}
      <button type="submit" className="primary" disabled={!channelName.trim() || add.isPending}>
        Add number
      </button>
    </form>
  );
}
