import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Message, type MessageMedia } from "../api/client";
import { keys, upsertMessage } from "../cache";

/** What the composer sends: text, a canned reply (the engine fills its variables), or an uploaded file with
 * an optional caption. key is the Idempotency-Key and the message's clientMessageId. */
export type Outgoing = {
  content: string;
  key: string;
  cannedReplyId?: string;
  media?: { contentType: Message["contentType"]; file: MessageMedia };
  /** The message this one quotes. */
  replyTo?: { messageId: string; excerpt: string };
};

/** Sends with an Idempotency-Key; the message shows at once as PENDING and is reconciled by its
 * clientMessageId when the engine's copy arrives (answer or live event, whichever is first). A canned reply
 * has no optimistic copy: only the engine knows its text with the variables filled. */
export function useSend(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ content, key, cannedReplyId, media, replyTo }: Outgoing) =>
      unwrap(
        api.POST("/api/conversations/{chatId}/send", {
          params: { path: { chatId }, header: { "Idempotency-Key": key } },
          body: {
            ...(cannedReplyId
              ? { cannedReplyId, metadata: { clientMessageId: key } }
              : media
                ? { content, contentType: media.contentType, mediaId: media.file.mediaId, metadata: { clientMessageId: key } }
                : { content, metadata: { clientMessageId: key } }),
            ...(replyTo ? { replyToMessageId: replyTo.messageId } : {}),
          },
        }),
      ),
    onMutate: ({ content, key, cannedReplyId, media, replyTo }) => {
      if (cannedReplyId) return;
      const optimistic: Message = {
        messageId: "tmp-" + key,
        chatId,
        platformMessageId: null,
        senderType: "AGENT",
        contentType: media?.contentType ?? "TEXT",
        content,
        metadata: { clientMessageId: key },
        timestamp: new Date().toISOString(),
        status: "PENDING",
        isRead: true,
        media: media?.file,
        replyTo,
      };
      upsertMessage(qc, optimistic);
    },
    onSuccess: (res) => upsertMessage(qc, res.message),
    onError: (err, { content, key }) => {
      qc.setQueryData(keys.messages(chatId), (old: { pages: { data: Message[] }[] } | undefined) =>
        old
          ? { ...old, pages: old.pages.map((p) => ({ ...p, data: p.data.map((x) => (x.messageId === "tmp-" + key ? { ...x, content, status: "FAILED" as const, error: errorText(err) } : x)) })) }
          : old,
      );
    },
  });
}
