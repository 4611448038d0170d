import { Link } from "react-router-dom";
import { toastStore, useToasts } from "../toasts";

/** Notices in the corner, announced politely by screen readers (the region is always in the page, so that
 * additions to it are read). */
export function Toasts() {
  const toasts = useToasts();
  return (
    <div className="toasts" role="status" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          <strong>{t.text}</strong>
          {t.detail && <span className="toast-detail">{t.detail}</span>}
          <span className="row">
            {t.link && (
              <Link to={t.link.to} onClick={() => toastStore.dismiss(t.id)}>
                {t.link.label}
              </Link>
            )}
            <button className="link" onClick={() => toastStore.dismiss(t.id)}>
              Dismiss
            </button>
          </span>
        </div>
      ))}
    </div>
  );
}
