package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// queryAssignee reads assignee=me|none|<userId> of the inbox list; "me" becomes the caller's id.
func queryAssignee(c *fiber.Ctx) (*string, error) {
	v := queryOptional(c, "assignee")
	switch {
	case v == nil || *v == "none":
		return v, nil
	case *v == "me":
		me := caller(c).UserID.String()
		return &me, nil
	}
	if _, err := uuid.Parse(*v); err != nil {
		return nil, domain.InvalidField("assignee", "must be me, none or a user id")
	}
	return v, nil
}

// assignRequest is the body of POST /api/conversations/:chatId/assign: userId null unassigns.
type assignRequest struct {
	UserID *string `json:"userId" validate:"omitempty,uuid"`
}

// assignConversation hands a conversation to a team member or to nobody. Owners and admins assign anyone;
// an agent may take an unassigned conversation for themselves or hand back their own (403 otherwise).
func (s *Server) assignConversation(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	var req assignRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	var userID *uuid.UUID
	if req.UserID != nil {
		u, err := uuid.Parse(*req.UserID)
		if err != nil || u == uuid.Nil {
			return domain.InvalidField("userId", "must be a user id or null")
		}
		userID = &u
	}
	return call(s, c, fiber.StatusOK, ops.OpConversationAssign, ops.AssignInput{ChatID: id, UserID: userID})
}

func (s *Server) getSettings(c *fiber.Ctx) error {
	return call(s, c, fiber.StatusOK, ops.OpSettingsGet, ops.None{})
}

// settingsRequest is the body of PUT /api/settings.
type settingsRequest struct {
	AgentVisibility *string            `json:"agentVisibility" validate:"omitempty,agentvisibility"`
	AutoAssign      *autoAssignRequest `json:"autoAssign"`
}

// autoAssignRequest changes the automatic assignment setting (the fields given).
type autoAssignRequest struct {
	Enabled         *bool `json:"enabled"`
	MaxOpenPerAgent *int  `json:"maxOpenPerAgent" validate:"omitempty,min=1,max=1000"`
}

func (s *Server) updateSettings(c *fiber.Ctx) error {
	var req settingsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := ops.SettingsInput{AgentVisibility: req.AgentVisibility}
	if a := req.AutoAssign; a != nil {
		in.AutoAssign = &ops.AutoAssignInput{Enabled: a.Enabled, MaxOpenPerAgent: a.MaxOpenPerAgent}
	}
	return call(s, c, fiber.StatusOK, ops.OpSettingsUpdate, in)
}

// statusRequest is the body of POST /api/conversations/:chatId/status.
type statusRequest struct {
	Status       string     `json:"status" validate:"required,chatstatus"`
	SnoozedUntil *time.Time `json:"snoozedUntil"`
}

// setConversationStatus opens, resolves, closes or snoozes a conversation (PENDING with snoozedUntil, a
// time in the future; PENDING without it waits with no time).
func (s *Server) setConversationStatus(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	var req statusRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.SnoozedUntil != nil {
		switch {
		case req.Status != domain.ChatPending:
			return domain.InvalidField("snoozedUntil", "goes with status PENDING only")
		case !req.SnoozedUntil.After(time.Now()):
			return domain.InvalidField("snoozedUntil", "must be in the future")
		}
	}
	return call(s, c, fiber.StatusOK, ops.OpConversationStatus, ops.StatusInput{ChatID: id, Status: req.Status, SnoozedUntil: req.SnoozedUntil})
}
