import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type Product } from "../api/client";
import { Field } from "../components/Field";
import { money } from "../format";

/** The catalogue: create, edit, availability. */
export default function ProductsPage() {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const products = useQuery({
    queryKey: ["products", name],
    queryFn: () => unwrap(api.GET("/api/products", { params: { query: { limit: 200, name: name || undefined } } })),
  });
  const [editing, setEditing] = useState<Product | null>(null);
  const avail = useMutation({
    mutationFn: (p: Product) => unwrap(api.PUT("/api/products/{productId}", { params: { path: { productId: p.productId } }, body: { isAvailable: !p.isAvailable } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["products"] }),
  });
  return (
    <div className="page">
      <h1>Products</h1>
      <input type="search" aria-label="Search products" placeholder="Search by name" value={name} onChange={(e) => setName(e.target.value)} />
      {products.isError && <p role="alert">{errorText(products.error)}</p>}
      {avail.isError && <p role="alert" className="error">{errorText(avail.error)}</p>}
      <table className="table">
        <caption className="sr-only">Products</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">SKU</th>
            <th scope="col">Price</th>
            <th scope="col">Available</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {products.data?.data.map((p) => (
            <tr key={p.productId}>
              <td>{p.name}</td>
              <td className="mono">{p.sku ?? "—"}</td>
              <td>{money(p.price, p.currency)}</td>
              <td>
                <label className="inline">
                  <input type="checkbox" checked={p.isAvailable} onChange={() => avail.mutate(p)} /> <span className="sr-only">{p.name} </span>available
                </label>
              </td>
              <td>
                <button className="ghost" onClick={() => setEditing(p)}>
                  Edit {p.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProductForm key={editing?.productId ?? "new"} product={editing} onDone={() => setEditing(null)} />
    </div>
  );
}

function ProductForm({ product, onDone }: { product: Product | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(product?.name ?? "");
  const [price, setPrice] = useState(product?.price ?? "");
  const [currency, setCurrency] = useState(product?.currency ?? "USD");
  const [sku, setSku] = useState(product?.sku ?? "");
  const save = useMutation({
    mutationFn: () => {
      const body = { name, price, currency: currency.toUpperCase(), sku };
      return product
        ? unwrap(api.PUT("/api/products/{productId}", { params: { path: { productId: product.productId } }, body }))
        : unwrap(api.POST("/api/products", { body: { ...body, sku: sku || undefined } }));
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["products"] });
      setName("");
      setPrice("");
      setSku("");
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card stack narrow" onSubmit={onSubmit} aria-label={product ? "Edit product" : "New product"}>
      <h2>{product ? `Edit ${product.name}` : "New product"}</h2>
      <Field label="Name" error={err?.field("name")}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required />}
      </Field>
      <Field label="Price" error={err?.field("price")}>
        {(p) => <input {...p} inputMode="decimal" placeholder="12.50" value={price} onChange={(e) => setPrice(e.target.value)} required />}
      </Field>
      <Field label="Currency" error={err?.field("currency")}>
        {(p) => <input {...p} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} required />}
      </Field>
      <Field label="SKU" error={err?.field("sku")}>
        {(p) => <input {...p} value={sku} onChange={(e) => setSku(e.target.value)} />}
      </Field>
      {save.isError && (!err || err.fields.length === 0) && <p role="alert" className="error">{errorText(save.error)}</p>}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {product ? "Save product" : "Create product"}
        </button>
        {product && (
          <button type="button" className="ghost" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
