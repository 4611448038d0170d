package queries

import (
	"context"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// GetSettings answers ops.OpSettingsGet.
func GetSettings(ctx context.Context, s *Scope, _ ops.None) (ops.Settings, error) {
	st, err := s.Store.GetSettings(ctx)
	return SettingsView(st), err
}

// UpdateSettings answers ops.OpSettingsUpdate (owners and admins: the HTTP layer checks the role, and so
// does this, for callers that are not HTTP). The new visibility applies to the next request and event.
func UpdateSettings(ctx context.Context, s *Scope, in ops.SettingsInput) (ops.Settings, error) {
	if ViewerOf(s.Caller).Role == domain.RoleAgent {
		return ops.Settings{}, domain.Forbidden("only owners and admins change the team's settings")
	}
	st, err := s.Store.GetSettings(ctx)
	if err != nil {
		return ops.Settings{}, err
	}
	if in.AgentVisibility != nil {
		if !domain.AgentVisibilities.Valid(*in.AgentVisibility) {
			return ops.Settings{}, domain.InvalidField("agentVisibility", "must be ALL or ASSIGNED_AND_UNASSIGNED")
		}
		st.AgentVisibility = *in.AgentVisibility
	}
	out, err := s.Store.SetSettings(ctx, st)
	if err != nil {
		return ops.Settings{}, err
	}
	s.Visibility.Set(out.AgentVisibility)
	return SettingsView(out), nil
}
