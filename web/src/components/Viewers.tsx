import { useViewers } from "../presence";

/** Who else has this conversation open ("Ana is viewing", "Ana is typing…"), so two people do not answer
 * the same customer at once. A polite live region: changes are announced without taking the focus. */
export function Viewers({ chatId }: { chatId: string }) {
  const viewers = useViewers(chatId);
  const typing = viewers.filter((v) => v.typing).map((v) => v.name);
  const viewing = viewers.filter((v) => !v.typing).map((v) => v.name);
  const parts: string[] = [];
  if (typing.length) parts.push(`${typing.join(", ")} ${typing.length === 1 ? "is" : "are"} typing…`);
  if (viewing.length) parts.push(`${viewing.join(", ")} ${viewing.length === 1 ? "is" : "are"} viewing`);
  return (
    <p className="viewers small" role="status" aria-label="Who else is here">
      {parts.join(" · ")}
    </p>
  );
}
