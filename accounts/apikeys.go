package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// APIKeyPrefix starts every API key, so that a key is recognisable (in a request, and by secret scanners
// in a leaked file) and never mistaken for a JWT.
const APIKeyPrefix = "aezk_"

// apiKeyRandomBytes is the key's entropy: 256 bits, so a SHA-256 lookup needs neither salt nor a slow hash.
const apiKeyRandomBytes = 32

// apiKeyLength is the length of every key: the prefix and 43 base64url characters.
var apiKeyLength = len(APIKeyPrefix) + base64.RawURLEncoding.EncodedLen(apiKeyRandomBytes)

// MaxAPIKeysPerTenant bounds a tenant's keys (each is a row every lookup may find).
const MaxAPIKeysPerTenant = 100

// apiKeyTouchEvery is how often a key's lastUsedAt is written at most (per member; the SQL also skips
// writes younger than a minute, whatever the number of members).
const apiKeyTouchEvery = time.Minute

// ErrAPIKeyInvalid answers a key that does not exist or was revoked (the two are not told apart).
var ErrAPIKeyInvalid = &domain.Error{Code: domain.CodeUnauthorized, Message: "API key is invalid or has been revoked"}

// ErrAPIKeyExpired answers a key past its expiresAt.
var ErrAPIKeyExpired = &domain.Error{Code: domain.CodeUnauthorized, Message: "API key has expired"}

// APIKey is a key as the API shows it: never the key itself, except in the answer that creates it.
type APIKey struct {
	KeyID      uuid.UUID  `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	CreatedBy  uuid.UUID  `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

// NewAPIKey is a key to create.
type NewAPIKey struct {
	Name      string
	Role      string
	ExpiresAt *time.Time
}

// KeyAccess is who a request made with an API key acts as: the key's creator, with the key's role capped by
// the creator's current role.
type KeyAccess struct {
	KeyID     uuid.UUID
	TenantID  uuid.UUID
	UserID    uuid.UUID
	Role      string
	ExpiresAt *time.Time
}

func apiKeyView(k persistence.APIKey) APIKey {
	return APIKey{KeyID: k.KeyID, Name: k.Name, Role: k.Role, Prefix: k.Prefix, CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt}
}

// roleRank orders roles by what they may do.
func roleRank(role string) int {
	switch role {
	case domain.RoleOwner:
		return 3
	case domain.RoleAdmin:
		return 2
	case domain.RoleAgent:
		return 1
	}
	return 0
}

// lesserRole is the role of the two that may do less.
func lesserRole(a, b string) string {
	if roleRank(a) <= roleRank(b) {
		return a
	}
	return b
}

// IsAPIKey tells an API key from a JWT by its prefix.
func IsAPIKey(token string) bool { return strings.HasPrefix(token, APIKeyPrefix) }

func hashAPIKey(key string) [32]byte { return sha256.Sum256([]byte(key)) }

// CreateAPIKey makes a key for the caller's tenant: owners and admins may, with a role no higher than their
// own. The key is returned once, here; only its hash is stored.
func (s *Service) CreateAPIKey(ctx context.Context, by Actor, in NewAPIKey) (_ APIKey, key string, err error) {
	defer classify(&err)
	if err := requireKeyManager(by.Role); err != nil {
		return APIKey{}, "", err
	}
	if roleRank(in.Role) > roleRank(by.Role) {
		return APIKey{}, "", domain.Forbidden("a key's role cannot be higher than yours (%s)", by.Role)
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		return APIKey{}, "", domain.InvalidField("expiresAt", "must be in the future")
	}
	n, err := s.master.CountAPIKeys(ctx, by.TenantID)
	if err != nil {
		return APIKey{}, "", err
	}
	if n >= MaxAPIKeysPerTenant {
		return APIKey{}, "", domain.Conflict("a team may have at most %d API keys: revoke one first", MaxAPIKeysPerTenant)
	}
	raw := make([]byte, apiKeyRandomBytes)
	if _, err := rand.Read(raw); err != nil {
		return APIKey{}, "", err
	}
	key = APIKeyPrefix + base64.RawURLEncoding.EncodeToString(raw)
	hash := hashAPIKey(key)
	stored, err := s.master.InsertAPIKey(ctx, persistence.APIKey{KeyID: uuid.Must(uuid.NewV7()), TenantID: by.TenantID,
		CreatedBy: by.UserID, Name: strings.TrimSpace(in.Name), Role: in.Role, Prefix: key[:len(APIKeyPrefix)+6],
		ExpiresAt: in.ExpiresAt}, hash[:])
	if err != nil {
		return APIKey{}, "", err
	}
	return apiKeyView(stored), key, nil
}

// ListAPIKeys lists a tenant's keys (owners and admins).
func (s *Service) ListAPIKeys(ctx context.Context, by Actor) (_ []APIKey, err error) {
	defer classify(&err)
	if err := requireKeyManager(by.Role); err != nil {
		return nil, err
	}
	keys, err := s.master.ListAPIKeys(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]APIKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, apiKeyView(k))
	}
	return out, nil
}

// RevokeAPIKey deletes a key. It stops working at once on this member and within AccessCacheTTL on every
// other. An admin cannot revoke an OWNER key.
func (s *Service) RevokeAPIKey(ctx context.Context, by Actor, keyID uuid.UUID) (err error) {
	defer classify(&err)
	if err := requireKeyManager(by.Role); err != nil {
		return err
	}
	k, err := s.master.GetAPIKey(ctx, by.TenantID, keyID)
	if err != nil {
		return err
	}
	if roleRank(k.Role) > roleRank(by.Role) {
		return domain.Forbidden("only an owner can revoke an OWNER key")
	}
	if err := s.master.DeleteAPIKey(ctx, by.TenantID, keyID); err != nil {
		return err
	}
	s.keys.forget(keyID)
	return nil
}

func requireKeyManager(role string) error {
	if !CanManageTeam(role) {
		return domain.Forbidden("only owners and admins manage API keys")
	}
	return nil
}

// keyCache remembers what each key (by hash) gives access to for AccessCacheTTL, like accessCache does for
// users: revocation, a creator's removal or demotion and a tenant's suspension reach every member within it.
type keyCache struct {
	mu      sync.Mutex
	entries map[[32]byte]keyEntry
	touched map[uuid.UUID]time.Time
	group   singleflight.Group
}

type keyEntry struct {
	access  persistence.APIKeyAccess
	missing bool
	until   time.Time
}

func newKeyCache() *keyCache {
	return &keyCache{entries: make(map[[32]byte]keyEntry), touched: make(map[uuid.UUID]time.Time)}
}

func (c *keyCache) forget(keyID uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.access.Key.KeyID == keyID {
			delete(c.entries, h)
		}
	}
}

func (c *keyCache) forgetAll() {
	c.mu.Lock()
	c.entries = make(map[[32]byte]keyEntry)
	c.mu.Unlock()
}

// APIKeyAccess checks a key presented as a bearer token: it exists (not revoked), has not expired, its
// creator still exists and its tenant is not suspended. The request acts as the creator with the key's role,
// capped by the creator's current role. Keys that do not have the key's shape are refused without a lookup.
func (s *Service) APIKeyAccess(ctx context.Context, key string) (KeyAccess, error) {
	if len(key) != apiKeyLength || !IsAPIKey(key) {
		return KeyAccess{}, ErrAPIKeyInvalid
	}
	if _, err := base64.RawURLEncoding.DecodeString(key[len(APIKeyPrefix):]); err != nil {
		return KeyAccess{}, ErrAPIKeyInvalid
	}
	hash := hashAPIKey(key)
	c := s.keys
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		v, err, _ := c.group.Do(string(hash[:]), func() (any, error) {
			qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			acc, err := s.master.GetAPIKeyAccess(qctx, hash[:])
			if errors.Is(err, domain.ErrNotFound) {
				return keyEntry{missing: true}, nil
			}
			if err != nil {
				return nil, persistence.Classify(err)
			}
			return keyEntry{access: acc}, nil
		})
		if err != nil {
			return KeyAccess{}, err
		}
		e = v.(keyEntry)
		e.until = now.Add(AccessCacheTTL)
		c.mu.Lock()
		if len(c.entries) >= accessCacheMax {
			c.entries = make(map[[32]byte]keyEntry)
		}
		c.entries[hash] = e
		c.mu.Unlock()
	}
	k := e.access.Key
	switch {
	case e.missing:
		return KeyAccess{}, ErrAPIKeyInvalid
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return KeyAccess{}, ErrAPIKeyExpired
	case e.access.TenantStatus == persistence.TenantSuspended:
		return KeyAccess{}, ErrTenantSuspended
	}
	s.touchAPIKey(k.KeyID, k.LastUsedAt, now)
	return KeyAccess{KeyID: k.KeyID, TenantID: k.TenantID, UserID: k.CreatedBy,
		Role: lesserRole(k.Role, e.access.CreatorRole), ExpiresAt: k.ExpiresAt}, nil
}

// touchAPIKey records a key's use at most once a minute per member, off the request (a failed write only
// leaves lastUsedAt older).
func (s *Service) touchAPIKey(keyID uuid.UUID, stored *time.Time, now time.Time) {
	c := s.keys
	c.mu.Lock()
	last, ok := c.touched[keyID]
	if !ok && stored != nil {
		last = *stored
	}
	if now.Sub(last) < apiKeyTouchEvery {
		c.mu.Unlock()
		return
	}
	if len(c.touched) >= accessCacheMax {
		c.touched = make(map[uuid.UUID]time.Time)
	}
	c.touched[keyID] = now
	c.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.master.TouchAPIKey(ctx, keyID); err != nil {
			slog.Debug("recording an API key's use", "keyId", keyID, "err", err)
		}
	}()
}
