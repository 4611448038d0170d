import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText, unwrap, type Settings } from "../api/client";

// Every visibility of the API: one added there and not here fails the build.
const visibility: Record<Settings["agentVisibility"], string> = {
  ALL: "Agents see every conversation",
  ASSIGNED_AND_UNASSIGNED: "Agents see only their own and unassigned conversations",
};

/** The team's rules (owners and admins): which conversations agents see. */
export function TeamSettings() {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ["settings"], queryFn: () => unwrap(api.GET("/api/settings")) });
  const save = useMutation({
    mutationFn: (agentVisibility: Settings["agentVisibility"]) => unwrap(api.PUT("/api/settings", { body: { agentVisibility } })),
    onSuccess: (s) => qc.setQueryData(["settings"], s),
  });
  return (
    <section className="card stack" aria-labelledby="team-settings-h">
      <h2 id="team-settings-h">Agent visibility</h2>
      {settings.isError && <p role="alert">{errorText(settings.error)}</p>}
      {settings.data && (
        <fieldset className="stack plain-fieldset" disabled={save.isPending}>
          <legend className="sr-only">Which conversations agents see</legend>
          {(Object.keys(visibility) as Settings["agentVisibility"][]).map((v) => (
            <label key={v} className="inline">
              <input type="radio" name="agentVisibility" value={v} checked={settings.data.agentVisibility === v} onChange={() => save.mutate(v)} />
              {visibility[v]}
            </label>
          ))}
        </fieldset>
      )}
      {save.isError && (
        <p role="alert" className="error">
          {errorText(save.error)}
        </p>
      )}
      {save.isSuccess && <p className="muted small">Saved.</p>}
    </section>
  );
}
