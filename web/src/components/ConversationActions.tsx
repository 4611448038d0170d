import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Conversation } from "../api/client";
import { upsertConversation } from "../cache";
import { canManage, useMe } from "../App";
import { memberName, useLabels, useMemberName, useTeam } from "../hooks/team";
import { Dialog } from "./Dialog";
import { LabelChips } from "./LabelChips";

/** What the chat header offers: the assignee, the status actions (resolve, reopen, snooze), the labels. */
export function ConversationActions({ conversation }: { conversation: Conversation }) {
  const qc = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const done = {
    onSuccess: (c: Conversation) => {
      setProblem(null);
      upsertConversation(qc, c);
    },
    onError: (e: unknown) => setProblem(errorText(e)),
  };
  return (
    <div className="conv-actions">
      <AssigneeControl conversation={conversation} done={done} />
      <StatusActions conversation={conversation} done={done} />
      <LabelsControl conversation={conversation} done={done} />
      {problem && (
        <p role="alert" className="error small">
          {problem}
        </p>
      )}
    </div>
  );
}

type Done = { onSuccess: (c: Conversation) => void; onError: (e: unknown) => void };

function useAssign(chatId: string, done: Done) {
  return useMutation({
    mutationFn: (userId: string | null) => unwrap(api.POST("/api/conversations/{chatId}/assign", { params: { path: { chatId } }, body: { userId } })),
    ...done,
  });
}

/** Owners and admins pick anyone (or nobody); an agent takes an unassigned conversation or hands back
 * their own, the engine's rule (a colleague's conversation only shows whose it is). */
function AssigneeControl({ conversation: c, done }: { conversation: Conversation; done: Done }) {
  const me = useMe();
  const team = useTeam();
  const name = useMemberName();
  const assign = useAssign(c.chatId, done);
  if (canManage(me)) {
    return (
      <select
        aria-label="Assignee"
        value={c.assignee ?? ""}
        disabled={assign.isPending}
        onFocus={() => void team.refetch()} // a member added since the list was read
        onChange={(e) => assign.mutate(e.target.value || null)}>
        <option value="">Unassigned</option>
        {team.data?.data.map((u) => (
          <option key={u.userId} value={u.userId}>
            {u.userId === me.user.userId ? `${memberName(u)} (me)` : memberName(u)}
          </option>
        ))}
      </select>
    );
  }
  if (!c.assignee) {
    return (
      <button className="ghost" disabled={assign.isPending} onClick={() => assign.mutate(me.user.userId)}>
        Assign to me
      </button>
    );
  }
  if (c.assignee === me.user.userId) {
    return (
      <button className="ghost" disabled={assign.isPending} onClick={() => assign.mutate(null)}>
        Unassign me
      </button>
    );
  }
  return <span className="muted small">Assigned to {name(c.assignee)}</span>;
}

function StatusActions({ conversation: c, done }: { conversation: Conversation; done: Done }) {
  const [snoozing, setSnoozing] = useState(false);
  const status = useMutation({
    mutationFn: (body: { status: Conversation["status"]; snoozedUntil?: string }) =>
      unwrap(api.POST("/api/conversations/{chatId}/status", { params: { path: { chatId: c.chatId } }, body })),
    ...done,
  });
  const busy = status.isPending;
  return (
    <>
      {c.status === "OPEN" ? (
        <>
          <button className="ghost" disabled={busy} onClick={() => status.mutate({ status: "RESOLVED" })}>
            Resolve
          </button>
          <button className="ghost" disabled={busy} onClick={() => setSnoozing(true)}>
            Snooze
          </button>
        </>
      ) : (
        <button className="ghost" disabled={busy} onClick={() => status.mutate({ status: "OPEN" })}>
          Reopen
        </button>
      )}
      <SnoozeDialog
        open={snoozing}
        onOpenChange={setSnoozing}
        onSnooze={(until) => status.mutate({ status: "PENDING", snoozedUntil: until.toISOString() }, { onSuccess: () => setSnoozing(false) })}
        busy={busy}
      />
    </>
  );
}

/** datetime-local's value for a date, in local time. */
function localValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function SnoozeDialog({ open, onOpenChange, onSnooze, busy }: { open: boolean; onOpenChange: (o: boolean) => void; onSnooze: (until: Date) => void; busy: boolean }) {
  const [value, setValue] = useState(() => localValue(new Date(Date.now() + 3_600_000)));
  const tomorrow = () => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
    return d;
  };
  const until = new Date(value);
  const valid = !Number.isNaN(until.getTime()) && until.getTime() > Date.now();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Snooze the conversation">
      <p className="muted small">It opens again at this time, or as soon as the customer writes.</p>
      <div className="row">
        <button className="ghost" onClick={() => setValue(localValue(new Date(Date.now() + 3_600_000)))}>
          In 1 hour
        </button>
        <button className="ghost" onClick={() => setValue(localValue(tomorrow()))}>
          Tomorrow 9:00
        </button>
      </div>
      <label className="stack">
        Snooze until
        <input type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      {!valid && <p className="error small">Choose a time in the future.</p>}
      <button className="primary" disabled={!valid || busy} onClick={() => onSnooze(until)}>
        Snooze until then
      </button>
    </Dialog>
  );
}

/** The conversation's labels as chips, and a dialog to attach or detach any of the team's labels. */
function LabelsControl({ conversation: c, done }: { conversation: Conversation; done: Done }) {
  const [open, setOpen] = useState(false);
  const labels = useLabels();
  const set = useMutation({
    mutationFn: (labelIds: string[]) => unwrap(api.PUT("/api/conversations/{chatId}/labels", { params: { path: { chatId: c.chatId } }, body: { labelIds } })),
    ...done,
  });
  const current = new Set((c.labels ?? []).map((l) => l.labelId));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(current);
    if (on) next.add(id);
    else next.delete(id);
    set.mutate([...next]);
  };
  return (
    <>
      <LabelChips labels={c.labels} />
      <button className="ghost" onClick={() => setOpen(true)}>
        Labels
      </button>
      <Dialog open={open} onOpenChange={setOpen} title="Labels of the conversation">
        {labels.data?.data.length === 0 && <p className="muted">No labels yet: owners and admins add them under Settings.</p>}
        <fieldset className="stack plain-fieldset" disabled={set.isPending}>
          <legend className="sr-only">Labels</legend>
          {labels.data?.data.map((l) => (
            <label key={l.labelId} className="inline">
              <input type="checkbox" checked={current.has(l.labelId)} onChange={(e) => toggle(l.labelId, e.target.checked)} />
              <span className="dot" style={{ background: l.color }} aria-hidden="true" />
              {l.name}
            </label>
          ))}
        </fieldset>
      </Dialog>
    </>
  );
}
