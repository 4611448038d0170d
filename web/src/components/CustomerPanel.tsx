import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Conversation } from "../api/client";
import { money } from "../format";

/** The customer of the open chat: details, orders, and a new order from the catalogue. */
export function CustomerPanel({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const customerId = conversation.customerId;
  const cust = useQuery({
    queryKey: ["customer", customerId],
    queryFn: () => unwrap(api.GET("/api/customers/{customerId}", { params: { path: { customerId }, query: { include: "orders" } } })),
  });
  const c = cust.data;
  return (
    <aside className="panel" aria-label="Customer">
      <header className="panel-head">
        <h2>Customer</h2>
        <button className="ghost" onClick={onClose} aria-label="Close customer panel">
          ✕
        </button>
      </header>
      {cust.isError && <p role="alert">{errorText(cust.error)}</p>}
      {c && (
        <>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{c.fullName ?? "—"}</dd>
            <dt>Phone</dt>
            <dd>{c.phone ?? "—"}</dd>
            <dt>Email</dt>
            <dd>{c.email ?? "—"}</dd>
            <dt>Id on the channel</dt>
            <dd className="mono">{c.platformCustomerId}</dd>
          </dl>
          <h3>Orders</h3>
          {c.orders && c.orders.length > 0 ? (
            <ul className="plain" aria-label="Customer orders">
              {c.orders
                .slice()
                .reverse()
                .map((o) => (
                  <li key={o.orderId}>
                    <span className={"pill o-" + o.orderStatus.toLowerCase()}>{o.orderStatus}</span> {money(o.totalAmount, o.currency)}{" "}
                    <span className="muted">{new Date(o.createdAt).toLocaleDateString()}</span>
                  </li>
                ))}
            </ul>
          ) : (
            <p className="muted">No orders yet.</p>
          )}
          <NewOrder customerId={customerId} />
        </>
      )}
    </aside>
  );
}

function NewOrder({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const products = useQuery({
    queryKey: ["products", "available"],
    queryFn: () => unwrap(api.GET("/api/products", { params: { query: { isAvailable: true, limit: 200 } } })),
  });
  const [productId, setProductId] = useState("");
  const [quantity, setQuantity] = useState("1");
  const create = useMutation({
    mutationFn: () => {
      const p = products.data?.data.find((x) => x.productId === productId);
      if (!p) throw new Error("Choose a product");
      return unwrap(api.POST("/api/orders", { body: { customerId, currency: p.currency, items: [{ productId, quantity: Number(quantity) }] } }));
    },
    onSuccess: () => {
      setProductId("");
      setQuantity("1");
      void qc.invalidateQueries({ queryKey: ["customer", customerId] });
      void qc.invalidateQueries({ queryKey: ["orders"] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const list = products.data?.data ?? [];
  return (
    <form className="stack" onSubmit={onSubmit} aria-label="New order">
      <h3>New order</h3>
      {list.length === 0 ? (
        <p className="muted">Add available products under Products first.</p>
      ) : (
        <>
          <label>
            Product
            <select value={productId} onChange={(e) => setProductId(e.target.value)} required>
              <option value="">Choose…</option>
              {list.map((p) => (
                <option key={p.productId} value={p.productId}>
                  {p.name} — {money(p.price, p.currency)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Quantity
            <input type="number" min={1} max={100000} value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          </label>
          {create.isError && <p role="alert" className="error">{errorText(create.error)}</p>}
          <button type="submit" className="primary" disabled={!productId || !(Number(quantity) >= 1) || create.isPending}>
            Create order
          </button>
        </>
      )}
    </form>
  );
}
