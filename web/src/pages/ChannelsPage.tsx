import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type Channel } from "../api/client";
import { canManage, useMe } from "../App";
import { Field } from "../components/Field";
import { Dialog } from "../components/Dialog";
import { WhatsAppCard } from "../components/WhatsAppCard";
import { AddWhatsAppNumber } from "../components/AddWhatsAppNumber";

/** Channels: the WhatsApp card, the API channels, and (in development) playing an API channel's customer. */
export default function ChannelsPage() {
  const me = useMe();
  const channels = useQuery({ queryKey: ["channels"], queryFn: () => unwrap(api.GET("/api/channels", { params: { query: { limit: 200 } } })) });
  // The development-only route is in the document a development node serves; its presence turns the
  // "Send as customer" form on.
  const dev = useQuery({
    queryKey: ["devRoutes"],
    queryFn: async () => {
      const doc = (await (await fetch("/api/openapi.json")).json()) as { paths?: Record<string, unknown> };
      return Boolean(doc.paths?.["/api/dev/channels/{channelId}/customer-message"]);
    },
    staleTime: Infinity,
  });
  const apiChannels = channels.data?.data.filter((c) => c.platformType === "API") ?? [];
  // The oldest WhatsApp channel is the default number (the card without a number); the others get their own.
  const numbers = [...(channels.data?.data.filter((c) => c.platformType === "WHATSAPP") ?? [])]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.channelId.localeCompare(b.channelId))
    .slice(1);
  const others = channels.data?.data.filter((c) => c.platformType !== "API" && c.platformType !== "WHATSAPP") ?? [];
  return (
    <div className="page">
      <h1>Channels</h1>
      {channels.isError && <p role="alert">{errorText(channels.error)}</p>}
      <div className="cards">
        <WhatsAppCard manage={canManage(me)} />
        {numbers.map((c) => (
          <WhatsAppCard key={c.channelId} manage={canManage(me)} number={{ channelId: c.channelId, name: c.channelName || c.channelId.slice(0, 8) }} />
        ))}
        {apiChannels.map((c) => (
          <ApiChannelCard key={c.channelId} channel={c} play={Boolean(dev.data) && canManage(me)} />
        ))}
        {others.map((c) => (
          <section key={c.channelId} className="card stack" aria-label={c.channelName || c.platformType}>
            <h2>{c.channelName || c.platformType}</h2>
            <p className="muted">
              {c.platformType.charAt(0) + c.platformType.slice(1).toLowerCase()} · {c.isActive ? "active" : "inactive"}
            </p>
          </section>
        ))}
      </div>
      {canManage(me) && <CreateApiChannel />}
      {canManage(me) && <AddWhatsAppNumber />}
    </div>
  );
}

function ApiChannelCard({ channel, play }: { channel: Channel; play: boolean }) {
  const name = channel.channelName || "API channel";
  return (
    <section className="card stack" aria-label={name}>
      <h2>{name}</h2>
      <p className="muted">
        API channel · {channel.isActive ? "active" : "inactive"} · webhook {channel.webhookUrl ?? "—"}
      </p>
      <p className="mono small">Channel id {channel.channelId}</p>
      {play && <SendAsCustomer channelId={channel.channelId} />}
    </section>
  );
}

function SendAsCustomer({ channelId }: { channelId: string }) {
  const [content, setContent] = useState("");
  const [fullName, setFullName] = useState("Test customer");
  const send = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/dev/channels/{channelId}/customer-message", { params: { path: { channelId } }, body: { content, fullName: fullName || undefined } })),
    onSuccess: () => setContent(""),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (content.trim()) send.mutate();
  };
  return (
    <form className="stack play" onSubmit={onSubmit} aria-label="Play the customer">
      <h3>Try it: play the customer</h3>
      <p className="muted small">Development only. The engine signs the message with this channel's secret, as your integration would.</p>
      <label>
        Customer name
        <input value={fullName} onChange={(e) => setFullName(e.target.value)} />
      </label>
      <label>
        Customer message
        <textarea rows={2} value={content} onChange={(e) => setContent(e.target.value)} />
      </label>
      {send.isError && <p role="alert" className="error">{errorText(send.error)}</p>}
      {send.isSuccess && <p role="status" className="muted small">Sent. Open the Inbox to answer.</p>}
      <button type="submit" className="primary" disabled={!content.trim() || send.isPending}>
        Send as customer
      </button>
    </form>
  );
}

function CreateApiChannel() {
  const qc = useQueryClient();
  const [channelName, setName] = useState("Website chat");
  const [webhookUrl, setUrl] = useState("");
  const [created, setCreated] = useState<Channel | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/channels", { body: { platformType: "API", channelName, webhookUrl } })),
    onSuccess: (c) => {
      setCreated(c);
      setCopied(false);
      void qc.invalidateQueries({ queryKey: ["channels"] });
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <form className="card stack narrow" onSubmit={onSubmit} aria-label="New API channel">
        <h2>New API channel</h2>
        <p className="muted small">For a website chat or your own integration: customers' messages come in signed; answers go to your webhook.</p>
        <Field label="Channel name" error={err?.field("channelName")}>
          {(p) => <input {...p} value={channelName} onChange={(e) => setName(e.target.value)} required />}
        </Field>
        <Field label="Webhook URL" error={err?.field("webhookUrl")}>
          {(p) => <input {...p} type="url" placeholder="https://example.com/aezen-hook" value={webhookUrl} onChange={(e) => setUrl(e.target.value)} required />}
        </Field>
        {create.isError && (!err || err.fields.length === 0) && <p role="alert" className="error">{errorText(create.error)}</p>}
        <button type="submit" className="primary" disabled={create.isPending}>
          Create channel
        </button>
      </form>
      <Dialog open={created !== null} onOpenChange={(o) => !o && setCreated(null)} title="Channel created">
        <p>This is the channel's signing secret. It is shown only now: copy it into your integration.</p>
        <input className="mono secret" aria-label="Webhook secret" readOnly value={created?.webhookSecret ?? ""} onFocus={(e) => e.target.select()} />
        <p className="mono small">Channel id {created?.channelId}</p>
        <button
          className="primary"
          onClick={() => {
            void navigator.clipboard?.writeText(created?.webhookSecret ?? "").then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy secret"}
        </button>
      </Dialog>
    </>
  );
}
