package queries

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Canned replies are managed by owners and admins; everyone on the team lists and uses them.

// CreateCannedReply answers ops.OpCannedCreate.
func CreateCannedReply(ctx context.Context, s *Scope, w ops.Write[ops.CannedInput]) (ops.CannedReply, error) {
	r, err := createCannedReply(ctx, s, w)
	return CannedReplyView(r), err
}

// createCannedReply is CreateCannedReply on the stored row.
func createCannedReply(ctx context.Context, s *Scope, w ops.Write[ops.CannedInput]) (persistence.CannedReply, error) {
	if err := managersOnly(s, "manage canned replies"); err != nil {
		return persistence.CannedReply{}, err
	}
	if err := ops.ValidateCreate(w.Input); err != nil {
		return persistence.CannedReply{}, err
	}
	var by *uuid.UUID
	if id := callerID(s); id != uuid.Nil {
		by = &id
	}
	return s.Store.CreateCannedReply(ctx, persistence.CannedReply{CannedReplyID: uuid.Must(uuid.NewV7()),
		Shortcut: *w.Input.Shortcut, Content: *w.Input.Content, CreatedBy: by})
}

// ListCannedReplies answers ops.OpCannedList.
func ListCannedReplies(ctx context.Context, s *Scope, in ops.CannedListInput) (ops.ListPage[ops.CannedReply], error) {
	p := page(in.Paging)
	list, err := s.Store.ListCannedReplies(ctx, in.Search, p)
	if err != nil {
		return ops.ListPage[ops.CannedReply]{}, err
	}
	return pageOf(viewsOf(list, CannedReplyView), p), nil
}

// GetCannedReply answers ops.OpCannedGet.
func GetCannedReply(ctx context.Context, s *Scope, in ops.Ref) (ops.CannedReply, error) {
	r, err := getCannedReply(ctx, s, in)
	return CannedReplyView(r), err
}

// getCannedReply is GetCannedReply on the stored row.
func getCannedReply(ctx context.Context, s *Scope, in ops.Ref) (persistence.CannedReply, error) {
	return s.Store.GetCannedReply(ctx, in.ID)
}

// UpdateCannedReply answers ops.OpCannedUpdate.
func UpdateCannedReply(ctx context.Context, s *Scope, w ops.Write[ops.CannedInput]) (ops.CannedReply, error) {
	r, err := updateCannedReply(ctx, s, w)
	return CannedReplyView(r), err
}

// updateCannedReply is UpdateCannedReply on the stored row.
func updateCannedReply(ctx context.Context, s *Scope, w ops.Write[ops.CannedInput]) (persistence.CannedReply, error) {
	if err := managersOnly(s, "manage canned replies"); err != nil {
		return persistence.CannedReply{}, err
	}
	if err := ops.ValidateUpdate(w.Input); err != nil {
		return persistence.CannedReply{}, err
	}
	c, err := s.Store.GetCannedReply(ctx, w.ID)
	if err != nil {
		return c, err
	}
	if w.Input.Shortcut != nil {
		c.Shortcut = *w.Input.Shortcut
	}
	if w.Input.Content != nil {
		c.Content = *w.Input.Content
	}
	return s.Store.UpdateCannedReply(ctx, c)
}

// DeleteCannedReply answers ops.OpCannedDelete.
func DeleteCannedReply(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	if err := managersOnly(s, "manage canned replies"); err != nil {
		return ops.None{}, err
	}
	return ops.None{}, s.Store.DeleteCannedReply(ctx, in.ID)
}

// RenderCannedReply answers ops.OpCannedRender: the canned reply's text with the conversation's customer
// and the calling agent filled in. The conversation must be one the caller can see.
func RenderCannedReply(ctx context.Context, s *Scope, in ops.CannedRenderInput) (ops.CannedRendered, error) {
	conv, err := s.visibleConversation(ctx, in.ChatID)
	if err != nil {
		return ops.CannedRendered{}, err
	}
	c, err := s.Store.GetCannedReply(ctx, in.CannedReplyID)
	if errors.Is(err, domain.ErrNotFound) {
		return ops.CannedRendered{}, domain.InvalidField("cannedReplyId", "does not name a canned reply of this tenant")
	}
	if err != nil {
		return ops.CannedRendered{}, err
	}
	cu, err := s.Store.GetCustomer(ctx, conv.CustomerID)
	if err != nil {
		return ops.CannedRendered{}, err
	}
	values := map[string]string{"customer.name": deref(cu.FullName), "customer.email": deref(cu.Email), "customer.phone": deref(cu.Phone)}
	values["customer.firstName"], _, _ = strings.Cut(strings.TrimSpace(values["customer.name"]), " ")
	if id := callerID(s); id != uuid.Nil {
		if u, err := s.Node.Deps().Master.GetUser(ctx, s.TenantID, id); err == nil {
			values["agent.name"], values["agent.email"] = deref(u.FullName), u.Email
		}
	}
	return ops.CannedRendered{Content: ops.FillCanned(c.Content, values)}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
