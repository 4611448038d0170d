import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Order } from "../api/client";
import { money } from "../format";

type Status = Order["orderStatus"];
const statuses: Status[] = ["PENDING", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"];
// The lifecycle the engine enforces (README: PENDING → PROCESSING → SHIPPED → DELIVERED, PENDING/PROCESSING →
// CANCELLED, SHIPPED/DELIVERED → REFUNDED).
const next: Record<Status, Status[]> = {
  PENDING: ["PROCESSING", "CANCELLED"],
  PROCESSING: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED", "REFUNDED"],
  DELIVERED: ["REFUNDED"],
  CANCELLED: [],
  REFUNDED: [],
};
const label = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();

/** Orders: list with filters, detail, status changes along the lifecycle. */
export default function OrdersPage() {
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status | "">("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const orders = useQuery({
    queryKey: ["orders", status, from, to],
    queryFn: () =>
      unwrap(
        api.GET("/api/orders", {
          params: { query: { limit: 200, orderStatus: status || undefined, createdFrom: from || undefined, createdTo: to || undefined, include: "items,customer" } },
        }),
      ),
  });
  const move = useMutation({
    mutationFn: ({ orderId, to }: { orderId: string; to: Status }) => unwrap(api.PUT("/api/orders/{orderId}", { params: { path: { orderId } }, body: { orderStatus: to } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["orders"] }),
  });
  const products = useQuery({ queryKey: ["products", ""], queryFn: () => unwrap(api.GET("/api/products", { params: { query: { limit: 200 } } })) });
  const productName = (id: string) => products.data?.data.find((p) => p.productId === id)?.name ?? "product " + id.slice(0, 8);
  const list = orders.data?.data.slice().reverse() ?? [];
  return (
    <div className="page">
      <h1>Orders</h1>
      <label className="inline">
        Status{" "}
        <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
          <option value="">All</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {label(s)}
            </option>
          ))}
        </select>
      </label>{" "}
      <label className="inline">
        From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>{" "}
      <label className="inline">
        To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      {orders.isError && <p role="alert">{errorText(orders.error)}</p>}
      {move.isError && <p role="alert" className="error">{errorText(move.error)}</p>}
      {orders.isSuccess && list.length === 0 && <p className="muted">No orders. Create one from a conversation's customer panel.</p>}
      <ul className="plain orders" aria-label="Orders">
        {list.map((o) => (
          <li key={o.orderId} className="card">
            <div className="row">
              <span className={"pill o-" + o.orderStatus.toLowerCase()}>{label(o.orderStatus)}</span>
              <strong>{money(o.totalAmount, o.currency)}</strong>
              <span>{o.customer?.fullName ?? o.customer?.platformCustomerId ?? "Customer"}</span>
              <span className="muted">{new Date(o.createdAt).toLocaleString()}</span>
              <span className="grow" />
              <button className="ghost" aria-expanded={open === o.orderId} onClick={() => setOpen(open === o.orderId ? null : o.orderId)}>
                Details
              </button>
            </div>
            {open === o.orderId && (
              <div className="stack">
                <ul className="plain">
                  {o.items?.map((it) => (
                    <li key={it.orderItemId}>
                      {it.quantity} × {productName(it.productId)} at {money(it.priceAtPurchase, it.currencyAtPurchase)}
                    </li>
                  ))}
                </ul>
                <div className="row">
                  {next[o.orderStatus].map((to) => (
                    <button key={to} className="ghost" onClick={() => move.mutate({ orderId: o.orderId, to })} disabled={move.isPending}>
                      Mark {label(to).toLowerCase()}
                    </button>
                  ))}
                </div>
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
