import type { Message } from "../api/client";

/** A shared place as a link to its coordinates (a geo: URI: the device's own maps app, no map tiles loaded). */
export function Location({ m }: { m: Message }) {
  const l = m.location;
  if (!l) return null;
  const coords = `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}`;
  return (
    <p className="body location">
      <a href={`geo:${l.latitude},${l.longitude}`}>
        <span aria-hidden="true">📍 </span>
        {l.name ? `Location ${l.name} (${coords})` : `Location ${coords}`}
      </a>
      {l.address && <span className="muted"> · {l.address}</span>}
    </p>
  );
}

/** The people of a shared contact card, each with their numbers as tel: links. */
export function ContactCards({ m }: { m: Message }) {
  if (!m.contacts?.length) return null;
  return (
    <>
      {m.contacts.map((c, i) => (
        <div key={i} className="contact-card" role="group" aria-label={`Contact card: ${c.name || "no name"}`}>
          <strong>{c.name || "Contact"}</strong>
          {c.phones.map((ph) => (
            <a key={ph} href={`tel:${ph.replace(/[^+\d]/g, "")}`} aria-label={`Call ${c.name || ""} ${ph}`.replace("  ", " ")}>
              {ph}
            </a>
          ))}
        </div>
      ))}
    </>
  );
}
