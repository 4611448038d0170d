package domain

import "github.com/google/uuid"

// Agent visibility, a tenant setting: which conversations an AGENT sees. Owners and admins see all.
const (
	// VisibilityAll lets agents see every conversation of the tenant.
	VisibilityAll = "ALL"
	// VisibilityAssigned lets agents see only the conversations assigned to them and the unassigned ones.
	VisibilityAssigned = "ASSIGNED_AND_UNASSIGNED"
)

// AgentVisibilities are the values of the agent visibility setting (tenant check on tenant_settings).
var AgentVisibilities = newEnum("agentvisibility", VisibilityAll, VisibilityAssigned)

// Viewer is who asks to see a conversation: a user and their current role. The zero Viewer is the engine
// itself, which sees everything.
type Viewer struct {
	UserID uuid.UUID
	Role   string
}

// Restricted reports whether the viewer sees only their own and unassigned conversations under the
// tenant's visibility setting.
func (v Viewer) Restricted(visibility string) bool {
	return v.Role == RoleAgent && visibility == VisibilityAssigned
}

// CanSee reports whether the viewer may see a conversation assigned to assignee (nil: unassigned).
func (v Viewer) CanSee(visibility string, assignee *uuid.UUID) bool {
	return !v.Restricted(visibility) || assignee == nil || *assignee == v.UserID
}

// CheckAssign applies the team's assignment rules: owners and admins assign a conversation to anyone on
// the team or to nobody; an agent may take an unassigned conversation for themselves, and hand back (to
// nobody) one that is theirs, but may not assign to someone else or take a colleague's conversation.
func (v Viewer) CheckAssign(current, next *uuid.UUID) error {
	if v.Role != RoleAgent {
		return nil
	}
	switch {
	case next != nil && *next != v.UserID:
		return Forbidden("agents can only assign conversations to themselves")
	case current != nil && *current != v.UserID:
		return Forbidden("this conversation is assigned to someone else: ask an owner or admin to reassign it")
	}
	return nil
}
