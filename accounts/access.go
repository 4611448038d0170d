package accounts

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// AccessCacheTTL bounds how long a member may act on a user's access as it was: deleting a user, changing
// their password or role, or suspending their tenant takes effect on every member within this time (at
// once on the member that made the change). A token proves who the caller is; what they may do comes from
// the master database, read at most once per user and member every AccessCacheTTL.
const AccessCacheTTL = 2 * time.Second

// accessCacheMax bounds the cache; it is emptied when full (a re-read is one primary-key lookup).
const accessCacheMax = 65536

// ErrTenantSuspended answers every request of a suspended tenant's users.
var ErrTenantSuspended = &domain.Error{Code: domain.CodeForbidden, Message: "this account is suspended"}

// ErrTokenRevoked answers a token issued before the user's password changed.
var ErrTokenRevoked = &domain.Error{Code: domain.CodeUnauthorized, Message: "token has been revoked (the password changed): log in again"}

// ErrUserGone answers a token whose user was removed.
var ErrUserGone = &domain.Error{Code: domain.CodeUnauthorized, Message: "the user of this token no longer exists"}

// accessCache remembers each user's current access (or that they are gone) for AccessCacheTTL.
type accessCache struct {
	mu      sync.Mutex
	entries map[uuid.UUID]accessEntry
	group   singleflight.Group
}

type accessEntry struct {
	access  persistence.Access
	missing bool
	until   time.Time
}

func newAccessCache() *accessCache { return &accessCache{entries: make(map[uuid.UUID]accessEntry)} }

// CurrentRole checks a verified token's user against the master database: the user still exists, the
// token's version is the user's, the tenant is not suspended. It returns the user's current role, which is
// the one every permission check must use (a token's role is what it was at login).
func (s *Service) CurrentRole(ctx context.Context, tenantID, userID uuid.UUID, tokenVersion int) (string, error) {
	c := s.access
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[userID]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		v, err, _ := c.group.Do(userID.String(), func() (any, error) {
			// Shared by every caller waiting for this user: not bound to the first one's cancellation.
			qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			acc, err := s.master.GetAccess(qctx, tenantID, userID)
			if errors.Is(err, domain.ErrNotFound) {
				return accessEntry{missing: true}, nil
			}
			if err != nil {
				// An outage is a 503 with Retry-After, not a 500, once the cached entry has expired.
				return nil, persistence.Classify(err)
			}
			return accessEntry{access: acc}, nil
		})
		if err != nil {
			return "", err
		}
		e = v.(accessEntry)
		e.until = now.Add(AccessCacheTTL)
		c.mu.Lock()
		if len(c.entries) >= accessCacheMax {
			c.entries = make(map[uuid.UUID]accessEntry)
		}
		c.entries[userID] = e
		c.mu.Unlock()
	}
	switch {
	case e.missing:
		return "", ErrUserGone
	case e.access.TokenVersion != tokenVersion:
		return "", ErrTokenRevoked
	case e.access.TenantStatus == persistence.TenantSuspended:
		return "", ErrTenantSuspended
	}
	return e.access.Role, nil
}

// forget drops what this member knows about a user, after a change made here.
func (c *accessCache) forget(userID uuid.UUID) {
	c.mu.Lock()
	delete(c.entries, userID)
	c.mu.Unlock()
}

// forgetAll drops every entry (a tenant's status changed; users are not indexed by tenant).
func (c *accessCache) forgetAll() {
	c.mu.Lock()
	c.entries = make(map[uuid.UUID]accessEntry)
	c.mu.Unlock()
}

// SetTenantStatus suspends (SUSPENDED) or re-admits (ACTIVE) a tenant. Its users are refused on every
// member within AccessCacheTTL; the caller passivates the tenant's actor.
func (s *Service) SetTenantStatus(ctx context.Context, tenantID uuid.UUID, status string) (Tenant, error) {
	if status != persistence.TenantSuspended && status != persistence.TenantActive {
		return Tenant{}, domain.InvalidField("status", "must be ACTIVE or SUSPENDED")
	}
	if _, err := s.master.GetTenant(ctx, tenantID); err != nil {
		return Tenant{}, err
	}
	if err := s.master.SetTenantStatus(ctx, tenantID, status); err != nil {
		return Tenant{}, err
	}
	s.access.forgetAll()
	s.keys.forgetAll()
	t, err := s.master.GetTenant(ctx, tenantID)
	return tenantView(t), err
}

// TenantStatus is a tenant's status, for entry points without a user (signed channel calls).
func (s *Service) TenantStatus(ctx context.Context, tenantID uuid.UUID) (string, error) {
	t, err := s.master.GetTenant(ctx, tenantID)
	return t.Status, err
}
