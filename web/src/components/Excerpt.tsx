import { Fragment } from "react";

const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#34;": '"', "&#39;": "'", "&quot;": '"' };

/** Splits a search excerpt into text and highlighted parts. The engine documents the excerpt as escaped
 * text whose only markup is <mark>…</mark> (SearchHit.excerpt); the app still never inserts it as HTML: it
 * cuts at the marks, decodes the five entities, and lets React render every part as text. Anything else
 * that looks like markup stays visible text. */
export function excerptParts(excerpt: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#34|#39);/g, (e) => entities[e] ?? e);
  let rest = excerpt;
  while (rest.length > 0) {
    const open = rest.indexOf("<mark>");
    if (open < 0) break;
    const close = rest.indexOf("</mark>", open + 6);
    if (close < 0) break;
    if (open > 0) parts.push({ text: decode(rest.slice(0, open)), marked: false });
    parts.push({ text: decode(rest.slice(open + 6, close)), marked: true });
    rest = rest.slice(close + 7);
  }
  if (rest) parts.push({ text: decode(rest), marked: false });
  return parts;
}

/** A search excerpt with its matched words highlighted (<mark>), rendered as text. */
export function Excerpt({ html }: { html: string }) {
  return (
    <>
      {excerptParts(html).map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>))}
    </>
  );
}
