import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorText, unwrap, type User } from "../api/client";
import { canManage, useMe } from "../App";
import { Field } from "../components/Field";

const roles = ["OWNER", "ADMIN", "AGENT"] as const;

/** Members and roles. Owners and admins manage them; agents see the list only. */
export default function TeamPage() {
  const me = useMe();
  const manage = canManage(me);
  const qc = useQueryClient();
  // The inbox keeps the team in the same cache entry (assignee menus, mentions): this screen always reads it
  // again on a visit, so members added elsewhere since then are listed.
  const users = useQuery({ queryKey: ["users"], queryFn: () => unwrap(api.GET("/api/users")), refetchOnMount: "always" });
  const [problem, setProblem] = useState<string | null>(null);
  const done = {
    onSuccess: () => {
      setProblem(null);
      void qc.invalidateQueries({ queryKey: ["users"] });
    },
    // The API's own words, e.g. the last-owner rule: "the last owner cannot be removed or demoted; make another owner first".
    onError: (e: unknown) => setProblem(errorText(e)),
  };
  const change = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: User["role"] }) => unwrap(api.PUT("/api/users/{userId}", { params: { path: { userId } }, body: { role } })),
    ...done,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => unwrap(api.DELETE("/api/users/{userId}", { params: { path: { userId } } })),
    ...done,
  });
  return (
    <div className="page">
      <h1>Team</h1>
      {!manage && <p className="muted">Only owners and admins can add, change or remove members.</p>}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {users.isError && <p role="alert">{errorText(users.error)}</p>}
      <table className="table">
        <caption className="sr-only">Team members</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            {manage && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {users.data?.data.map((u) => (
            <tr key={u.userId}>
              <td>
                {u.fullName ? `${u.fullName} · ` : ""}
                {u.email}
              </td>
              <td>
                {manage ? (
                  <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => change.mutate({ userId: u.userId, role: e.target.value as User["role"] })}>
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r.toLowerCase()}
                      </option>
                    ))}
                  </select>
                ) : (
                  u.role.toLowerCase()
                )}
              </td>
              {manage && (
                <td>
                  <button className="ghost danger" onClick={() => confirm(`Remove ${u.email} from the team?`) && remove.mutate(u.userId)}>
                    Remove {u.email}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {manage && <AddMember />}
    </div>
  );
}

function AddMember() {
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<User["role"]>("AGENT");
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/users", { body: { email, password, role } })),
    onSuccess: () => {
      setEmail("");
      setPassword("");
      void qc.invalidateQueries({ queryKey: ["users"] });
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form className="card stack narrow" onSubmit={onSubmit} aria-label="Add a member">
      <h2>Add a member</h2>
      <Field label="Email" error={err?.field("email")}>
        {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />}
      </Field>
      <Field label="Password" error={err?.field("password")}>
        {(p) => <input {...p} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required />}
      </Field>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as User["role"])}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      {add.isError && (!err || err.fields.length === 0) && <p role="alert" className="error">{errorText(add.error)}</p>}
      <button type="submit" className="primary" disabled={add.isPending}>
        Add member
      </button>
    </form>
  );
}
