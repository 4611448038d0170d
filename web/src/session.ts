// The signed-in session: the token in localStorage, shared by the API client, the WebSocket and React.
import { useSyncExternalStore } from "react";

const KEY = "aezen.token";
const listeners = new Set<() => void>();
let token: string | null = localStorage.getItem(KEY);
let expired = false;

function emit() {
  for (const l of listeners) l();
}

export const session = {
  token: () => token,
  /** True after the API refused the token (expired or revoked), until the next log in. */
  expired: () => expired,
  signIn(t: string) {
    token = t;
    expired = false;
    localStorage.setItem(KEY, t);
    emit();
  },
  signOut() {
    token = null;
    localStorage.removeItem(KEY);
    emit();
  },
  expire() {
    expired = true;
    session.signOut();
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export function useToken(): string | null {
  return useSyncExternalStore(session.subscribe, session.token);
}

/** Drafts survive a reload and a forced log in: they live in sessionStorage, by key. */
export const drafts = {
  get: (key: string) => sessionStorage.getItem("aezen.draft." + key) ?? "",
  set: (key: string, text: string) => {
    if (text) sessionStorage.setItem("aezen.draft." + key, text);
    else sessionStorage.removeItem("aezen.draft." + key);
  },
};
