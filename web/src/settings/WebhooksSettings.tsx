import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type Schemas } from "../api/client";
import { Field } from "../components/Field";
import { shortTime } from "../format";

type Webhook = Schemas["Webhook"];
type WebhookEvent = Webhook["events"][number];

// Every event of the API: one added there and not here fails the build.
const events: Record<WebhookEvent, string> = {
  "message.created": "a message is stored, inbound or outbound",
  "message.updated": "a message's status, content or file changes",
  "conversation.updated": "status, assignment or labels change",
  "customer.updated": "a customer changes",
  "order.created": "an order is created",
  "order.updated": "an order changes",
  "channel.status": "a channel is turned on or off, or a WhatsApp number connects or disconnects",
};

/** Event webhooks (owners and admins): endpoints that receive the team's events, signed with a secret shown
 * once; each can be turned off and on, and shows why the engine turned it off and its delivery log. */
export function WebhooksSettings() {
  const qc = useQueryClient();
  // Read again every 5 s while shown: the engine turns a failing endpoint off by itself.
  const hooks = useQuery({ queryKey: ["webhooks"], queryFn: () => unwrap(api.GET("/api/webhooks")), refetchInterval: 5000 });
  const [open, setOpen] = useState<string | null>(null);
  const toggle = useMutation({
    mutationFn: (h: Webhook) =>
      unwrap(api.PUT("/api/webhooks/{webhookId}", { params: { path: { webhookId: h.webhookId } }, body: { isActive: !h.isActive } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["webhooks"] }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/webhooks/{webhookId}", { params: { path: { webhookId: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["webhooks"] }),
  });
  const list = hooks.data?.data ?? [];
  const shown = list.find((h) => h.webhookId === open);
  return (
    <section className="card stack" aria-labelledby="webhooks-h">
      <h2 id="webhooks-h">Event webhooks</h2>
      <p className="muted small">
        Each event is a signed <code>POST</code> to the URL: verify <code>X-Aezen-Signature</code> (HMAC-SHA256 of{" "}
        <code>&lt;X-Aezen-Timestamp&gt;.&lt;body&gt;</code>) with the webhook's secret.
      </p>
      {hooks.isError && <p role="alert">{errorText(hooks.error)}</p>}
      {(toggle.isError || remove.isError) && <p role="alert">{errorText(toggle.error ?? remove.error)}</p>}
      {list.length > 0 && (
        <table className="table">
          <caption className="sr-only">Event webhooks</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((h) => (
              <tr key={h.webhookId}>
                <td className="mono">{h.url}</td>
                <td>{h.events.length === 0 ? "all events" : h.events.join(", ")}</td>
                <td>
                  {h.isActive ? "on" : "off"}
                  {h.disabledReason && <span className="error small"> — {h.disabledReason}</span>}
                </td>
                <td className="row">
                  <button className="ghost" disabled={toggle.isPending} onClick={() => toggle.mutate(h)}>
                    {h.isActive ? "Turn off" : "Turn on"} {h.url}
                  </button>
                  <button className="ghost" aria-expanded={open === h.webhookId} onClick={() => setOpen(open === h.webhookId ? null : h.webhookId)}>
                    Deliveries of {h.url}
                  </button>
                  <button
                    className="ghost danger"
                    disabled={remove.isPending}
                    onClick={() => confirm(`Remove the webhook ${h.url} and its delivery log?`) && remove.mutate(h.webhookId)}
                  >
                    Remove {h.url}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <Deliveries hook={shown} />}
      <NewWebhook />
    </section>
  );
}

/** The delivery log of one webhook, newest first, with redelivery. */
function Deliveries({ hook }: { hook: Webhook }) {
  const qc = useQueryClient();
  const key = ["webhook-deliveries", hook.webhookId];
  const log = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(api.GET("/api/webhooks/{webhookId}/deliveries", { params: { path: { webhookId: hook.webhookId }, query: { limit: 50 } } })),
    refetchInterval: 2000,
  });
  const retry = useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(api.POST("/api/webhooks/{webhookId}/deliveries/{deliveryId}/retry", { params: { path: { webhookId: hook.webhookId, deliveryId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
  const rows = log.data?.data ?? [];
  return (
    <div className="stack" role="region" aria-label={`Delivery log of ${hook.url}`}>
      <h3>Delivery log</h3>
      {log.isError && <p role="alert">{errorText(log.error)}</p>}
      {retry.isError && <p role="alert">{errorText(retry.error)}</p>}
      {log.isSuccess && rows.length === 0 && <p className="muted">Nothing sent yet.</p>}
      {rows.length > 0 && (
        <table className="table">
          <caption className="sr-only">Deliveries of {hook.url}</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.deliveryId}>
                <td>{d.event}</td>
                <td>{d.state.toLowerCase()}</td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus ?? d.lastError ?? "—"}</td>
                <td>{shortTime(d.createdAt)}</td>
                <td>
                  <button className="ghost" disabled={retry.isPending || d.state === "PENDING"} onClick={() => retry.mutate(d.deliveryId)}>
                    Redeliver {d.event} <span className="sr-only">{d.deliveryId}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NewWebhook() {
  const qc = useQueryClient();
  const [url, setUrl] = useState("");
  const [picked, setPicked] = useState<WebhookEvent[]>([]);
  const [created, setCreated] = useState<Schemas["WebhookCreated"] | null>(null);
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/webhooks", { body: { url: url.trim(), events: picked } })),
    onSuccess: (h) => {
      setCreated(h);
      setUrl("");
      setPicked([]);
      void qc.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const flip = (ev: WebhookEvent) => setPicked((p) => (p.includes(ev) ? p.filter((x) => x !== ev) : [...p, ev]));
  return (
    <>
      {created && (
        <div className="secret stack" role="region" aria-label="New webhook secret">
          <strong>Copy the signing secret of {created.url} now: it is not shown again.</strong>
          <code className="mono">{created.secret}</code>
          <button className="ghost" onClick={() => setCreated(null)}>
            I have copied the secret
          </button>
        </div>
      )}
      <h3>New webhook</h3>
      <form className="stack" onSubmit={onSubmit} aria-label="New webhook form">
        <Field label="Webhook URL" error={err?.field("url")}>
          {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} maxLength={2000} placeholder="https://" required />}
        </Field>
        <fieldset className="stack plain-fieldset">
          <legend>Events (none checked: all of them)</legend>
          {(Object.keys(events) as WebhookEvent[]).map((ev) => (
            <label key={ev} className="inline">
              <input type="checkbox" checked={picked.includes(ev)} onChange={() => flip(ev)} />
              <span>
                <code>{ev}</code> <span className="muted small">{events[ev]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {err?.field("events") && <span className="error">{err.field("events")}</span>}
        <div>
          <button type="submit" className="primary" disabled={add.isPending || !url.trim()}>
            Create webhook
          </button>
        </div>
      </form>
      {add.isError && (!err || err.fields.length === 0) && (
        <p role="alert" className="error">
          {errorText(add.error)}
        </p>
      )}
    </>
  );
}
