import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type Schemas, type User } from "../api/client";
import { Field } from "../components/Field";
import { shortTime } from "../format";

const roles: User["role"][] = ["AGENT", "ADMIN", "OWNER"];

/** Long-lived keys for integrations (owners and admins): the key is shown once, then only its prefix. */
export function ApiKeysSettings() {
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => unwrap(api.GET("/api/api-keys")) });
  const revoke = useMutation({
    mutationFn: (keyId: string) => unwrap(api.DELETE("/api/api-keys/{keyId}", { params: { path: { keyId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["api-keys"] }),
  });
  return (
    <section className="card stack" aria-labelledby="api-keys-h">
      <h2 id="api-keys-h">API keys</h2>
      <p className="muted small">
        Send a key as <code>Authorization: Bearer &lt;key&gt;</code>. It acts as the member who made it, with the role chosen.
      </p>
      {keys.isError && <p role="alert">{errorText(keys.error)}</p>}
      {revoke.isError && <p role="alert">{errorText(revoke.error)}</p>}
      {keys.data && keys.data.data.length > 0 && (
        <table className="table">
          <caption className="sr-only">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">{k.prefix}…</td>
                <td>{k.role.toLowerCase()}</td>
                <td>{k.lastUsedAt ? shortTime(k.lastUsedAt) : "never"}</td>
                <td>{k.expiresAt ? shortTime(k.expiresAt) : "never"}</td>
                <td>
                  <button className="ghost danger" disabled={revoke.isPending} onClick={() => confirm(`Revoke the key ${k.name}? It stops working at once.`) && revoke.mutate(k.id)}>
                    Revoke {k.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewApiKey />
    </section>
  );
}

function NewApiKey() {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<User["role"]>("AGENT");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<Schemas["APIKeyCreated"] | null>(null);
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/api-keys", { body: { name: name.trim(), role, expiresAt: expires ? new Date(expires).toISOString() : undefined } })),
    onSuccess: (k) => {
      setCreated(k);
      setName("");
      setExpires("");
      void qc.invalidateQueries({ queryKey: ["api-keys"] });
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <>
      {created && (
        <div className="secret stack" role="region" aria-label="New API key">
          <strong>Copy the key {created.name} now: it is not shown again.</strong>
          <code className="mono">{created.key}</code>
          <button className="ghost" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <form className="row align-end" onSubmit={onSubmit} aria-label="New API key form">
        <Field label="Key name" error={err?.field("name")}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />}
        </Field>
        <Field label="Key role" error={err?.field("role")}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as User["role"])}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r.toLowerCase()}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Expires (optional)" error={err?.field("expiresAt")}>
          {(p) => <input {...p} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <button type="submit" className="primary" disabled={add.isPending || !name.trim()}>
          Create key
        </button>
      </form>
      {add.isError && (!err || err.fields.length === 0) && (
        <p role="alert" className="error">
          {errorText(add.error)}
        </p>
      )}
    </>
  );
}
