package queries

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Labels are managed by owners and admins (the HTTP layer checks the role, and so do these, for callers
// that are not HTTP); everyone on the team lists them and puts them on what they can see.

func managersOnly(s *Scope, what string) error {
	if ViewerOf(s.Caller).Role == domain.RoleAgent {
		return domain.Forbidden("only owners and admins %s", what)
	}
	return nil
}

// CreateLabel answers ops.OpLabelCreate.
func CreateLabel(ctx context.Context, s *Scope, w ops.Write[ops.LabelInput]) (ops.Label, error) {
	r, err := createLabel(ctx, s, w)
	return LabelView(r), err
}

// createLabel is CreateLabel on the stored row.
func createLabel(ctx context.Context, s *Scope, w ops.Write[ops.LabelInput]) (persistence.Label, error) {
	in := w.Input
	if err := managersOnly(s, "manage labels"); err != nil {
		return persistence.Label{}, err
	}
	if err := ops.ValidateCreate(in); err != nil {
		return persistence.Label{}, err
	}
	return s.Store.CreateLabel(ctx, persistence.Label{LabelID: uuid.Must(uuid.NewV7()), Name: strings.TrimSpace(*in.Name), Color: *in.Color})
}

// ListLabels answers ops.OpLabelList.
func ListLabels(ctx context.Context, s *Scope, _ ops.None) (ops.LabelList, error) {
	list, err := s.Store.ListLabels(ctx)
	if list == nil {
		list = []persistence.Label{}
	}
	return ops.LabelList{Data: viewsOf(list, LabelView)}, err
}

// GetLabel answers ops.OpLabelGet.
func GetLabel(ctx context.Context, s *Scope, in ops.Ref) (ops.Label, error) {
	r, err := getLabel(ctx, s, in)
	return LabelView(r), err
}

// getLabel is GetLabel on the stored row.
func getLabel(ctx context.Context, s *Scope, in ops.Ref) (persistence.Label, error) {
	return s.Store.GetLabel(ctx, in.ID)
}

// UpdateLabel answers ops.OpLabelUpdate.
func UpdateLabel(ctx context.Context, s *Scope, w ops.Write[ops.LabelInput]) (ops.Label, error) {
	r, err := updateLabel(ctx, s, w)
	return LabelView(r), err
}

// updateLabel is UpdateLabel on the stored row.
func updateLabel(ctx context.Context, s *Scope, w ops.Write[ops.LabelInput]) (persistence.Label, error) {
	if err := managersOnly(s, "manage labels"); err != nil {
		return persistence.Label{}, err
	}
	if err := ops.ValidateUpdate(w.Input); err != nil {
		return persistence.Label{}, err
	}
	l, err := s.Store.GetLabel(ctx, w.ID)
	if err != nil {
		return l, err
	}
	if w.Input.Name != nil {
		l.Name = strings.TrimSpace(*w.Input.Name)
	}
	if w.Input.Color != nil {
		l.Color = *w.Input.Color
	}
	return s.Store.UpdateLabel(ctx, l)
}

// DeleteLabel answers ops.OpLabelDelete: the label leaves every conversation and customer it was on.
func DeleteLabel(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	if err := managersOnly(s, "manage labels"); err != nil {
		return ops.None{}, err
	}
	return ops.None{}, s.Store.DeleteLabel(ctx, in.ID)
}

// SetConversationLabels answers ops.OpConversationLabels: it replaces the labels of a conversation the
// caller can see, has its conversation actor reload and tells the inbox (conversation_updated).
func SetConversationLabels(ctx context.Context, s *Scope, in ops.SetLabels) (ops.Conversation, error) {
	r, err := setConversationLabels(ctx, s, in)
	return ConversationView(r), err
}

// setConversationLabels is SetConversationLabels on the stored row.
func setConversationLabels(ctx context.Context, s *Scope, in ops.SetLabels) (persistence.Conversation, error) {
	if _, err := s.visibleConversation(ctx, in.ID); err != nil {
		return persistence.Conversation{}, err
	}
	ids, err := checkLabels(ctx, s, in.LabelIDs)
	if err != nil {
		return persistence.Conversation{}, err
	}
	if err := s.Store.SetChatLabels(ctx, in.ID, ids); err != nil {
		return persistence.Conversation{}, err
	}
	conv, ok := chatChanged(ctx, s, in.ID)
	if !ok {
		return s.Store.GetConversation(ctx, in.ID)
	}
	return conv, nil
}

// SetCustomerLabels answers ops.OpCustomerLabels.
func SetCustomerLabels(ctx context.Context, s *Scope, in ops.SetLabels) (ops.CustomerView, error) {
	c, err := s.Store.GetCustomer(ctx, in.ID)
	if err != nil {
		return ops.CustomerView{}, err
	}
	ids, err := checkLabels(ctx, s, in.LabelIDs)
	if err != nil {
		return ops.CustomerView{}, err
	}
	if err := s.Store.SetCustomerLabels(ctx, in.ID, ids); err != nil {
		return ops.CustomerView{}, err
	}
	views, err := customerViews(ctx, s, []persistence.Customer{c}, nil)
	if err != nil {
		return ops.CustomerView{}, err
	}
	return views[0], nil
}

// maxLabels bounds the labels of one record.
const maxLabels = 50

// checkLabels de-duplicates label ids and makes sure each names a label of this tenant.
func checkLabels(ctx context.Context, s *Scope, ids []uuid.UUID) ([]uuid.UUID, error) {
	out := slices.Compact(slices.SortedFunc(slices.Values(ids), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }))
	if len(out) > maxLabels {
		return nil, domain.InvalidField("labelIds", "may name at most 50 labels")
	}
	if out == nil {
		out = []uuid.UUID{}
	}
	n, err := s.Store.CountLabels(ctx, out)
	if err != nil {
		return nil, err
	}
	if n != len(out) {
		return nil, domain.InvalidField("labelIds", "must name labels of this tenant")
	}
	return out, nil
}

// labelFilter turns a label= filter (an id or a name) into the label's id; an unknown name is a 400.
func labelFilter(ctx context.Context, s *Scope, v *string) (*uuid.UUID, error) {
	if v == nil {
		return nil, nil
	}
	if id, err := uuid.Parse(*v); err == nil {
		return &id, nil
	}
	l, err := s.Store.LabelByName(ctx, *v)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.InvalidField("label", "names no label of this tenant")
	}
	if err != nil {
		return nil, err
	}
	return &l.LabelID, nil
}
