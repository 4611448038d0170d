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

/** The tenant's WhatsApp number: connect, the live QR dialog, pairing by phone code, status, log out. */
export function WhatsAppCard({ manage }: { manage: boolean }) {
  const qc = useQueryClient();
  const st = useQuery({
    queryKey: keys.whatsapp,
    queryFn: () => unwrap(api.GET("/api/integrations/whatsapp/status")),
    // CONNECTING is a passing state: an answer read just before the session moved on (to WAITING_QR with its
    // code, or CONNECTED) can land after the event that announced it and would stay on screen with no event
    // to follow. Reading again every 2 s while connecting heals that (seen under load in the browser tests).
    refetchInterval: (q) => (q.state.data?.status === "CONNECTING" ? 2000 : false),
  });
  // The answer can be older than the live events that overtook it: read the status again instead.
  const refresh = () => qc.invalidateQueries({ queryKey: keys.whatsapp });
  const toggle = useMutation({ mutationFn: () => unwrap(api.POST("/api/integrations/whatsapp/toggle")), onSuccess: refresh });
  const logout = useMutation({ mutationFn: () => unwrap(api.POST("/api/integrations/whatsapp/logout")), onSuccess: refresh });
  const [dialog, setDialog] = useState(false);
  const s = st.data;
  const status = s?.status ?? "…";
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
    <section className="card stack" aria-label="WhatsApp">
      <h2>WhatsApp</h2>
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
      <Dialog open={dialog && manage} onOpenChange={setDialog} title="Link your WhatsApp">
        <QRPane code={s?.qr?.code} status={status} />
        <PairByPhone />
      </Dialog>
    </section>
  );
}

/** The current QR code, fetched with the token whenever the qr event brings a new one. */
function QRPane({ code, status }: { code?: string; status: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!code) return;
    let url: string | null = null;
    let gone = false;
    void fetch("/api/integrations/whatsapp/qr.png", { headers: { Authorization: "Bearer " + (session.token() ?? "") } }).then(async (r) => {
      if (!r.ok || gone) return;
      url = URL.createObjectURL(await r.blob());
      setSrc(url);
    });
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [code]);
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

function PairByPhone() {
  const [phone, setPhone] = useState("");
  const pair = useMutation({ mutationFn: () => unwrap(api.POST("/api/integrations/whatsapp/pair-phone", { body: { phone } })) });
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
