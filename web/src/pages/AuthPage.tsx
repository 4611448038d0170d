import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "../api/client";
import { session } from "../session";
import { Field } from "../components/Field";

/** Sign up and log in. API errors are shown next to the field they concern. */
export function AuthPage() {
  const [mode, setMode] = useState<"login" | "signup">(session.expired() ? "login" : "signup");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [businessName, setBusinessName] = useState("");
  const submit = useMutation({
    mutationFn: () =>
      mode === "signup"
        ? unwrap(api.POST("/api/auth/register", { body: { email, password, businessName } }))
        : unwrap(api.POST("/api/auth/login", { body: { email, password } })),
    onSuccess: (res) => session.signIn(res.token),
  });
  const err = submit.error instanceof ApiError ? submit.error : null;
  const general = submit.error && (!err || err.fields.length === 0) ? submit.error.message : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  return (
    <main className="auth">
      <form onSubmit={onSubmit} className="card auth-card" noValidate>
        <h1>{mode === "signup" ? "Create your team inbox" : "Log in to AEZEN"}</h1>
        {session.expired() && <p role="status">Your session ended. Log in again to carry on where you were.</p>}
        {mode === "signup" && (
          <Field label="Business name" error={err?.field("businessName")}>
            {(p) => <input {...p} value={businessName} onChange={(e) => setBusinessName(e.target.value)} autoComplete="organization" required />}
          </Field>
        )}
        <Field label="Email" error={err?.field("email")}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />}
        </Field>
        <Field label="Password" error={err?.field("password")}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete={mode === "signup" ? "new-password" : "current-password"}
              required
            />
          )}
        </Field>
        {general && (
          <p className="error" role="alert">
            {general}
          </p>
        )}
        <button type="submit" className="primary" disabled={submit.isPending}>
          {mode === "signup" ? "Sign up" : "Log in"}
        </button>
        <p className="muted">
          {mode === "signup" ? "Already have an account?" : "New here?"}{" "}
          <button type="button" className="link" onClick={() => (submit.reset(), setMode(mode === "signup" ? "login" : "signup"))}>
            {mode === "signup" ? "Log in instead" : "Create an account"}
          </button>
        </p>
      </form>
    </main>
  );
}
