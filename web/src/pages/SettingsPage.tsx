import { canManage, useMe } from "../App";
import { LabelsSettings } from "../settings/LabelsSettings";
import { CannedRepliesSettings } from "../settings/CannedRepliesSettings";
import { TeamSettings } from "../settings/TeamSettings";
import { ApiKeysSettings } from "../settings/ApiKeysSettings";
import { AutoAssignSettings } from "../settings/AutoAssignSettings";
import { WebhooksSettings } from "../settings/WebhooksSettings";

/** The team's settings: labels and canned replies (everyone sees them, owners and admins change them), and
 * for owners and admins the team's rules (agent visibility, automatic assignment), API keys and event webhooks. */
export default function SettingsPage() {
  const me = useMe();
  const manage = canManage(me);
  return (
    <div className="page settings">
      <h1>Settings</h1>
      {!manage && <p className="muted">Only owners and admins can change these.</p>}
      <LabelsSettings manage={manage} />
      <CannedRepliesSettings manage={manage} />
      {manage && <TeamSettings />}
      {manage && <AutoAssignSettings />}
      {manage && <ApiKeysSettings />}
      {manage && <WebhooksSettings />}
    </div>
  );
}
