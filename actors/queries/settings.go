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
	if a := in.AutoAssign; a != nil {
		if a.Enabled != nil {
			st.AutoAssign.Enabled = *a.Enabled
		}
		if a.MaxOpenPerAgent != nil {
			if n := *a.MaxOpenPerAgent; n < 1 || n > ops.MaxOpenPerAgentLimit {
				return ops.Settings{}, domain.InvalidField("autoAssign.maxOpenPerAgent", "must be between 1 and 1000")
			}
			st.AutoAssign.MaxOpenPerAgent = *a.MaxOpenPerAgent
		}
	}
	out, err := s.Store.SetSettings(ctx, st)
	if err != nil {
		return ops.Settings{}, err
	}
	s.Visibility.Set(out.AgentVisibility)
	view := SettingsView(out)
	if s.AutoAssign != nil && s.AutoAssign.Get() != view.AutoAssign {
		s.AutoAssign.Set(view.AutoAssign)
		s.tell(&AutoAssignChanged{})
	}
	return view, nil
}
