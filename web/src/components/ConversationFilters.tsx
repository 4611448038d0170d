import type { Conversation } from "../api/client";
import type { ConversationFilter } from "../cache";
import { useMe } from "../App";
import { memberName, useLabels, useTeam } from "../hooks/team";

// Every chat status of the API: a status added there and not here fails the build.
export const statusLabels: Record<Conversation["status"], string> = { OPEN: "Open", PENDING: "Pending", RESOLVED: "Resolved", CLOSED: "Closed" };
const statuses = ["", ...Object.keys(statusLabels)] as ("" | Conversation["status"])[];

/** The inbox's filters: status, assignee (anyone, me, unassigned, a member) and label; the engine applies
 * them (status=, assignee=, label=) and live events are matched against them the same way (cache.ts). */
export function ConversationFilters({ filter, onChange }: { filter: ConversationFilter; onChange: (f: ConversationFilter) => void }) {
  const me = useMe();
  const team = useTeam();
  const labels = useLabels();
  const others = (team.data?.data ?? []).filter((u) => u.userId !== me.user.userId);
  return (
    <div className="filters">
      <select aria-label="Status" value={filter.status} onChange={(e) => onChange({ ...filter, status: e.target.value })}>
        {statuses.map((s) => (
          <option key={s} value={s}>
            {s ? statusLabels[s] : "Any status"}
          </option>
        ))}
      </select>
      <select aria-label="Assignee" value={filter.assignee} onFocus={() => void team.refetch()} onChange={(e) => onChange({ ...filter, assignee: e.target.value })}>
        <option value="">Anyone</option>
        <option value={me.user.userId}>Me</option>
        <option value="none">Unassigned</option>
        {others.map((u) => (
          <option key={u.userId} value={u.userId}>
            {memberName(u)}
          </option>
        ))}
      </select>
      <select aria-label="Label" value={filter.label} onFocus={() => void labels.refetch()} onChange={(e) => onChange({ ...filter, label: e.target.value })}>
        <option value="">Any label</option>
        {labels.data?.data.map((l) => (
          <option key={l.labelId} value={l.labelId}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
