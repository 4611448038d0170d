import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap } from "../api/client";
import { keys } from "../cache";
import { session } from "../session";
import { Dialog } from "./Dialog";

// What each status means (docs/whatsapp.md).
const meaning: Record<string, string> = {
  DISCONNECTED: "Not running: never connected, switched off, or the QR code expired unscanned.",
  CONNECTING: "A connection attempt is under way.",
  WAITING_QR: "Waiting for the phone to scan the code (WhatsApp → Linked devices → Link a device).",
  CONNECTED: "Logged in: messages flow both ways.",
  ERROR: "The last attempt failed or the connection dropped.",
  LOGGED_OUT: "The phone unlinked this device, or someone logged out here. Connect again and scan a new code.",
  BANNED: "WhatsApp has temporarily banned the number. Connect again after the ban ends.",
  OUTDATED: "WhatsApp rejects this client version: the engine must be updated.",
};

/** A number other than the default: its channel, acted on through /api/channels/:channelId/whatsapp/*. */
export type WhatsAppNumber = { channelId: string; name: string };

/** The routes of one number: the default number's (the seed's /api/integrations/whatsapp/*) or another's. */
function numberApi(n?: WhatsAppNumber) {
  if (!n) {
    return {
      key: keys.whatsapp,
      qrPath: "/api/integrations/whatsapp/qr.png",
      status: () => unwrap(api.GET("/api/integrations/whatsapp/status")),
      toggle: (_running: boolean) => unwrap(api.POST("/api/integrations/whatsapp/toggle")),
      logout: () => unwrap(api.POST("/api/integrations/whatsapp/logout")),
      pair: (phone: string) => unwrap(api.POST("/api/integrations/whatsapp/pair-phone", { body: { phone } })),
    };
  }
  const path = { params: { path: { channelId: n.channelId } } };
  return {
    key: keys.whatsappChannel(n.channelId),
    qrPath: `/api/channels/${n.channelId}/whatsapp/qr.png`,
    status: () => unwrap(api.GET("/api/channels/{channelId}/whatsapp/status", path)),
    toggle: (running: boolean) =>
      running ? unwrap(api.POST("/api/channels/{channelId}/whatsapp/disconnect", path)) : unwrap(api.POST("/api/channels/{channelId}/whatsapp/connect", path)),
    logout: () => unwrap(api.POST("/api/channels/{channelId}/whatsapp/logout", path)),
    pair: (phone: string) => unwrap(api.POST("/api/channels/{channelId}/whatsapp/pair-phone", { ...path, body: { phone } })),
  };
}

/** One WhatsApp number: connect, the live QR dialog, pairing by phone code, status, log out. Without
 * `number` it is the tenant's default number, labelled "WhatsApp"; another number is labelled by its name. */
export function WhatsAppCard({ manage, number }: { manage: boolean; number?: WhatsAppNumber }) {
  const qc = useQueryClient();
  const n = numberApi(number);
  const label = number ? `WhatsApp ${number.name}` : "WhatsApp";
  const st = useQuery({
    queryKey: n.key,
    queryFn: n.status,
    // CONNECTING is a passing state: an answer read just before the session moved on (to WAITING_QR with its
    // code, or CONNECTED) can land after the event that announced it and would stay on screen with no event
    // to follow. Reading again every 2 s while connecting heals that (seen under load in the browser tests).
    refetchInterval: (q) => (q.state.data?.status === "CONNECTING" ? 2000 : false),
  });
  // The answer can be older than the live events that overtook it: read the status again instead.
  const refresh = () => qc.invalidateQueries({ queryKey: n.key, exact: true });
  const [dialog, setDialog] = useState(false);
  const s = st.data;
  const status = s?.status ?? "…";
  const toggle = useMutation({ mutationFn: () => n.toggle(running), onSuccess: refresh });
  const logout = useMutation({ mutationFn: n.logout, onSuccess: refresh });
  const running = status === "CONNECTING" || status === "WAITING_QR" || status === "CONNECTED" || (status === "ERROR" && Boolean(s?.nextRetryAt));
  useEffect(() => {
    if (status === "WAITING_QR") setDialog(true);
    if (status === "CONNECTED") setDialog(false);
  }, [status]);
  // Waiting for a scan but no code at hand (an answer read before the code overtook the qr event): ask.
  const missingQR = status === "WAITING_QR" && !s?.qr?.code;
  useEffect(() => {
    if (missingQR) void refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [missingQR]);
  return (
    <section className="card stack" aria-label={label}>
      <h2>{label}</h2>
      <p>
        Status: <strong className={"wa-" + status.toLowerCase()}>{status}</strong>
        {s?.jid ? <span className="muted"> · {s.jid}</span> : null}
      </p>
      <p className="muted small">{meaning[status] ?? ""}</p>
      {s?.lastError && <p className="error small">Last error: {s.lastError}</p>}
      {status === "ERROR" && s?.nextRetryAt && <p className="muted small">Retries by itself at {new Date(s.nextRetryAt).toLocaleTimeString()}.</p>}
      {(s?.reconnects ?? 0) > 0 && <p className="muted small">Reconnects: {s?.reconnects}</p>}
      {s?.history && s.history.state !== "OFF" && s.history.state !== "NONE" && (
        <p className="muted small">
          History import: {s.history.state} · {s.history.imported ?? 0} imported
          {s.history.duplicates ? ` · ${s.history.duplicates} already stored` : ""}
          {s.history.progress != null ? ` · ${s.history.progress}%` : ""}
        </p>
      )}
      {(toggle.isError || logout.isError) && <p role="alert" className="error">{errorText(toggle.error ?? logout.error)}</p>}
      {manage && (
        <div className="row">
          <button className="primary" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
            {running ? "Switch off" : "Connect"}
          </button>
          {status === "WAITING_QR" && (
            <button className="ghost" onClick={() => setDialog(true)}>
              Show QR code
            </button>
          )}
          {(status === "CONNECTED" || s?.jid) && (
            <button className="ghost danger" onClick={() => confirm("Unlink this WhatsApp number?") && logout.mutate()}>
              Log out of WhatsApp
            </button>
          )}
        </div>
      )}
      <Dialog open={dialog && manage} onOpenChange={setDialog} title={number ? `Link ${label}` : "Link your WhatsApp"}>
        <QRPane code={s?.qr?.code} status={status} path={n.qrPath} />
        <PairByPhone pair={n.pair} />
      </Dialog>
    </section>
  );
}

/** The current QR code, fetched with the token whenever the qr event brings a new one. */
function QRPane({ code, status, path }: { code?: string; status: string; path: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!code) return;
    let url: string | null = null;
    let gone = false;
    void fetch(path, { headers: { Authorization: "Bearer " + (session.token() ?? "") } }).then(async (r) => {
      if (!r.ok || gone) return;
      url = URL.createObjectURL(await r.blob());
      setSrc(url);
    });
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [code, path]);
  if (status === "CONNECTED") return <p role="status">Connected.</p>;
  return (
    <div className="qr">
      {code && src ? <img src={src} alt="WhatsApp QR code" width={256} height={256} /> : <p className="muted">Waiting for a code…</p>}
      <p className="muted small" role="status" aria-live="polite">
        {code ? "Scan with WhatsApp → Settings → Linked devices. The code refreshes by itself." : ""}
      </p>
    </div>
  );
}

function PairByPhone({ pair: pairBy }: { pair: (phone: string) => Promise<{ code: string }> }) {
  const [phone, setPhone] = useState("");
  const pair = useMutation({ mutationFn: () => pairBy(phone) });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    pair.mutate();
  };
  return (
    <form className="stack" onSubmit={onSubmit}>
      <h3>Or pair with a code</h3>
      <label>
        Phone number (country code first)
        <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+49 151 2345678" />
      </label>
      {pair.isError && <p role="alert" className="error">{errorText(pair.error)}</p>}
      {pair.data && (
        <p role="status">
          Enter this code on the phone: <strong className="mono">{pair.data.code}</strong>
        </p>
      )}
      <button type="submit" className="ghost" disabled={!phone || pair.isPending}>
        Get a pairing code
      </button>
    </form>
  );
}
