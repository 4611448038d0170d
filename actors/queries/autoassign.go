package queries

import (
	"sync/atomic"

	"github.com/aezen/engine/actors/ops"
)

// AutoAssignSetting is the tenant's automatic assignment setting, shared like Visibility: conversation
// actors read it on every customer message to an unassigned chat, the tenant actor when it picks an agent.
type AutoAssignSetting struct {
	v atomic.Pointer[ops.AutoAssign]
}

// NewAutoAssignSetting starts at a.
func NewAutoAssignSetting(a ops.AutoAssign) *AutoAssignSetting {
	s := &AutoAssignSetting{}
	s.Set(a)
	return s
}

// Get is the current setting (off when none).
func (s *AutoAssignSetting) Get() ops.AutoAssign {
	if s == nil {
		return ops.AutoAssign{}
	}
	if p := s.v.Load(); p != nil {
		return *p
	}
	return ops.AutoAssign{}
}

// Set changes the setting.
func (s *AutoAssignSetting) Set(a ops.AutoAssign) { s.v.Store(&a) }

// AutoAssignChanged tells the tenant actor that the setting changed (it starts or stops asking the members
// who is online).
type AutoAssignChanged struct{}
