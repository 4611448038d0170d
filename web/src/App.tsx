import { createContext, lazy, Suspense, useContext, useEffect, useState } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "./api/client";
import { session, useToken } from "./session";
import { Live, useLiveState } from "./live";
import { AuthPage } from "./pages/AuthPage";
import { InboxPage } from "./pages/InboxPage";
import { Toasts } from "./components/Toasts";

// Screens other than the inbox load on first visit, keeping the first load small.
const ChannelsPage = lazy(() => import("./pages/ChannelsPage"));
const TeamPage = lazy(() => import("./pages/TeamPage"));
const ProductsPage = lazy(() => import("./pages/ProductsPage"));
const OrdersPage = lazy(() => import("./pages/OrdersPage"));
const SettingsPage = lazy(() => import("./pages/SettingsPage"));
const SearchPage = lazy(() => import("./pages/SearchPage"));

type Me = Schemas["Me"];
const MeContext = createContext<Me | null>(null);
const LiveContext = createContext<Live | null>(null);

/** The signed-in user and tenant. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe outside the signed-in app");
  return me;
}
export function useLive(): Live | null {
  return useContext(LiveContext);
}
export function canManage(me: Me): boolean {
  return me.user.role === "OWNER" || me.user.role === "ADMIN";
}

export function App() {
  const token = useToken();
  const qc = useQueryClient();
  useEffect(() => {
    if (!token) qc.clear();
  }, [token, qc]);
  if (!token) return <AuthPage />;
  return <SignedIn token={token} />;
}

function SignedIn({ token }: { token: string }) {
  const qc = useQueryClient();
  const me = useQuery({ queryKey: ["me"], queryFn: () => unwrap(api.GET("/api/auth/me")) });
  const [live, setLive] = useState<Live | null>(null);
  useEffect(() => {
    const l = new Live(qc, token);
    setLive(l);
    return () => l.stop();
  }, [qc, token]);
  const state = useLiveState(live);
  // The team's rules, read by the live connection (an agent who sees only their own conversations drops one
  // assigned to a colleague).
  useQuery({ queryKey: ["settings"], queryFn: () => unwrap(api.GET("/api/settings")) });

  if (me.isPending) return <p className="center muted">Loading…</p>;
  if (me.isError || !me.data) return <p className="center" role="alert">Could not load your account. <button onClick={() => me.refetch()}>Retry</button></p>;
  return (
    <MeContext.Provider value={me.data}>
      <LiveContext.Provider value={live}>
        <div className="shell">
          <nav className="rail" aria-label="Main">
            <span className="brand" title={me.data.tenant.name}>AEZEN</span>
            <NavLink to="/inbox">Inbox</NavLink>
            <NavLink to="/search">Search</NavLink>
            <NavLink to="/channels">Channels</NavLink>
            <NavLink to="/team">Team</NavLink>
            <NavLink to="/products">Products</NavLink>
            <NavLink to="/orders">Orders</NavLink>
            <NavLink to="/settings">Settings</NavLink>
            <span className="grow" />
            <span className="who" title={me.data.user.email}>
              {me.data.user.email} <small>({me.data.user.role.toLowerCase()})</small>
            </span>
            <button className="ghost" onClick={() => session.signOut()}>
              Log out
            </button>
          </nav>
          <main className="content">
            {state !== "online" && (
              <div className="banner" role="status">
                {state === "offline" ? "Offline: reconnecting…" : "Connecting…"}
              </div>
            )}
            <Suspense fallback={<p className="center muted">Loading…</p>}>
              <Routes>
                <Route path="/" element={<Navigate to="/inbox" replace />} />
                <Route path="/inbox" element={<InboxPage />} />
                <Route path="/inbox/:chatId" element={<InboxPage />} />
                <Route path="/channels" element={<ChannelsPage />} />
                <Route path="/team" element={<TeamPage />} />
                <Route path="/products" element={<ProductsPage />} />
                <Route path="/orders" element={<OrdersPage />} />
                <Route path="/settings" element={<SettingsPage />} />
                <Route path="/search" element={<SearchPage />} />
                <Route path="*" element={<p className="center">Nothing here. <NavLink to="/inbox">Back to the inbox</NavLink></p>} />
              </Routes>
            </Suspense>
          </main>
          <Toasts />
        </div>
      </LiveContext.Provider>
    </MeContext.Provider>
  );
}
