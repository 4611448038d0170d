import type { Message } from "../api/client";
import { fileSize } from "../format";

const kinds: Record<string, string> = { IMAGE: "Image", VIDEO: "Video", AUDIO: "Audio", STICKER: "Sticker", FILE: "File" };

/** A message's file, inline from its signed url: images and stickers as pictures (opening the full file),
 * video and audio with the browser's controls, anything else as a download link with its name and size. A
 * received file still downloading (PENDING) or lost (FAILED) says so. */
export function MessageMedia({ m }: { m: Message }) {
  const f = m.media;
  if (!f) return null;
  const kind = kinds[m.contentType] ?? "File";
  const name = f.fileName || kind.toLowerCase();
  if (f.state === "PENDING") {
    return <p className="media-state muted">{kind} on its way…</p>;
  }
  if (f.state === "FAILED") {
    return <p className="media-state error">{kind} could not be received ({name}).</p>;
  }
  switch (m.contentType) {
    case "IMAGE":
    case "STICKER":
      return (
        <a className={"media " + (m.contentType === "STICKER" ? "sticker" : "image")} href={f.url} target="_blank" rel="noopener noreferrer">
          <img src={f.url} alt={m.content ? `${kind}: ${m.content}` : `${kind}: ${name}`} loading="lazy" />
        </a>
      );
    case "VIDEO":
      return <video className="media video" controls preload="metadata" src={f.url} aria-label={`Video: ${name}`} />;
    case "AUDIO":
      return <audio className="media audio" controls preload="metadata" src={f.url} aria-label={`Audio: ${name}`} />;
    default:
      return (
        <a className="media file" href={f.url} download={f.fileName || undefined}>
          <svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
            <path d="M14 2v6h6" />
          </svg>{" "}
          {name} <span className="muted">({fileSize(f.size)})</span>
        </a>
      );
  }
}
