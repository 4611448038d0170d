// The one way the app talks to the engine's REST API: a typed client generated from /api/openapi.json
// (scripts/gen-api.mjs), with the session's token added and the error envelope turned into ApiError.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema";
import { session } from "../session";

export type Schemas = components["schemas"];
export type Conversation = Schemas["Conversation"];
export type Message = Schemas["Message"];
export type Channel = Schemas["Channel"];
export type User = Schemas["User"];
export type Product = Schemas["Product"];
export type Order = Schemas["Order"];
export type Customer = Schemas["Customer"];
export type WhatsAppStatus = Schemas["WhatsAppStatus"];
export type Label = Schemas["Label"];
export type LabelRef = Schemas["LabelRef"];
export type CannedReply = Schemas["CannedReply"];
export type Settings = Schemas["Settings"];
export type MessageMedia = Schemas["MessageMedia"];

/** An answer in the API's error envelope: {error: {code, message, fields}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
  /** The message the API gave for one field, if any. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name)?.message;
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    // An expired or revoked token: back to log in. What the user typed stays (drafts live outside the form).
    if (response.status === 401 && session.token() && !new URL(request.url).pathname.startsWith("/api/auth/")) {
      session.expire();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The body of a successful answer, or throws ApiError. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const env = (error ?? {}) as { error?: { code?: string; message?: string; fields?: { field: string; message: string }[] } };
  throw new ApiError(
    response.status,
    env.error?.code ?? "http_" + response.status,
    env.error?.message ?? response.statusText ?? "request failed",
    env.error?.fields ?? [],
  );
}

/** Uploads a file to the media store (POST /api/media, multipart field "file"); the answer names it for a
 * send (mediaId) and carries its signed url. openapi-fetch does not stream multipart bodies, so this is a
 * plain fetch with the same token and error handling. */
export async function uploadMedia(file: File): Promise<Schemas["Media"]> {
  const body = new FormData();
  body.append("file", file, file.name);
  const token = session.token();
  const response = await fetch("/api/media", { method: "POST", body, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (response.status === 401 && token) session.expire();
  const json: unknown = await response.json().catch(() => undefined);
  return unwrap(Promise.resolve({ data: json as Schemas["Media"], error: json, response }));
}

/** A short text for any error thrown by a query or mutation. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A fresh key for Idempotency-Key headers and optimistic messages. */
export function newKey(): string {
  return crypto.randomUUID();
}
