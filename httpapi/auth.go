package httpapi

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/aezen/engine/accounts"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
)

const tokenIssuer = "aezen"

// claims is the JWT body: subject = user id, tid = tenant id, role (informative: requests use the user's
// current role), ver = the user's token version when it was issued (a password change revokes the token).
type claims struct {
	TenantID string `json:"tid"`
	Role     string `json:"role"`
	Version  int    `json:"ver"`
	jwt.RegisteredClaims
}

// principal is the verified caller of a request. After requireAuth, Role is the user's current role.
type principal struct {
	UserID   uuid.UUID
	TenantID uuid.UUID
	Role     string
	Version  int
	Expires  time.Time
	// APIKey is set when the caller authenticated with an API key instead of a JWT: it is re-checked like a
	// token's user (revoked, expired, creator removed or demoted, tenant suspended).
	APIKey string
}

// noExpiry stands for "never" in a principal whose API key has no expiresAt.
var noExpiry = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

type authenticator struct {
	key      []byte
	ttl      time.Duration
	parser   *jwt.Parser
	verified *tokenCache
}

func newAuthenticator(cfg *config.Config) *authenticator {
	return &authenticator{
		key: []byte(cfg.JWTSecret), ttl: cfg.TokenTTL, verified: newTokenCache(),
		// Only HS256 is accepted: "none", RS256 or any other algorithm fails before the key is used.
		parser: jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(),
			jwt.WithIssuer(tokenIssuer), jwt.WithIssuedAt()),
	}
}

func (a *authenticator) issue(u accounts.User) (string, error) {
	now := time.Now()
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		TenantID: u.TenantID.String(), Role: u.Role, Version: u.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{Subject: u.UserID.String(), Issuer: tokenIssuer,
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(a.ttl))},
	}).SignedString(a.key)
}

func (a *authenticator) verify(token string) (principal, error) {
	now := time.Now()
	if p, ok := a.verified.get(token, now); ok {
		return p, nil
	}
	var cl claims
	_, err := a.parser.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) { return a.key, nil })
	if err != nil {
		msg := "token is invalid"
		if errors.Is(err, jwt.ErrTokenExpired) {
			msg = "token has expired"
		}
		return principal{}, &domain.Error{Code: domain.CodeUnauthorized, Message: msg}
	}
	uid, err1 := uuid.Parse(cl.Subject)
	tid, err2 := uuid.Parse(cl.TenantID)
	if err1 != nil || err2 != nil {
		return principal{}, &domain.Error{Code: domain.CodeUnauthorized, Message: "token is invalid"}
	}
	p := principal{UserID: uid, TenantID: tid, Role: cl.Role, Version: cl.Version, Expires: cl.ExpiresAt.Time}
	a.verified.put(token, p, cl.ExpiresAt.Time, now)
	return p, nil
}

// currentAccess checks a verified token against the user's current access (deleted, password changed,
// tenant suspended) and gives the principal the user's current role.
func (s *Server) currentAccess(ctx context.Context, p principal) (principal, error) {
	if p.APIKey != "" {
		return s.keyAccess(ctx, p.APIKey)
	}
	role, err := s.accounts.CurrentRole(ctx, p.TenantID, p.UserID, p.Version)
	if err != nil {
		return principal{}, err
	}
	p.Role = role
	return p, nil
}

// authenticate turns a bearer credential (a JWT or an API key) into the caller with their current role.
func (s *Server) authenticate(ctx context.Context, token string) (principal, error) {
	if accounts.IsAPIKey(token) {
		return s.keyAccess(ctx, token)
	}
	p, err := s.auth.verify(token)
	if err != nil {
		return principal{}, err
	}
	return s.currentAccess(ctx, p)
}

// keyAccess checks an API key: the request acts as the key's creator with the key's role.
func (s *Server) keyAccess(ctx context.Context, key string) (principal, error) {
	ka, err := s.accounts.APIKeyAccess(ctx, key)
	if err != nil {
		return principal{}, err
	}
	p := principal{UserID: ka.UserID, TenantID: ka.TenantID, Role: ka.Role, Expires: noExpiry, APIKey: key}
	if ka.ExpiresAt != nil {
		p.Expires = *ka.ExpiresAt
	}
	return p, nil
}

// requireAuth verifies the bearer token, checks the user's current access and remembers the caller (with
// their current role) for the handlers.
func (s *Server) requireAuth(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return &domain.Error{Code: domain.CodeUnauthorized, Message: "Authorization: Bearer <token or API key> is required"}
	}
	p, err := s.authenticate(c.UserContext(), token)
	if err != nil {
		return err
	}
	c.Locals(principalKey{}, p)
	return c.Next()
}

type principalKey struct{}

func caller(c *fiber.Ctx) principal {
	p, _ := c.Locals(principalKey{}).(principal)
	return p
}

// actorCaller is the caller as the tenant grain sees it.
func actorCaller(c *fiber.Ctx) node.Caller {
	p := caller(c)
	return node.Caller{UserID: p.UserID.String(), Role: p.Role, RequestID: requestID(c)}
}

type registerRequest struct {
	Email        string  `json:"email" validate:"required,email,max=254"`
	Password     string  `json:"password" validate:"required,min=8,maxbytes=72"`
	BusinessName string  `json:"businessName" validate:"required,min=1,max=200"`
	FullName     *string `json:"fullName" validate:"omitempty,min=1,max=200"`
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,maxbytes=72"`
}

// authResponse answers sign-up and login.
type authResponse struct {
	Token  string          `json:"token"`
	User   accounts.User   `json:"user"`
	Tenant accounts.Tenant `json:"tenant"`
}

func (s *Server) register(c *fiber.Ctx) error {
	var req registerRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := s.signups.allow(c, c.IP(), time.Now()); err != nil {
		return err
	}
	tenant, user, err := s.accounts.SignUp(c.UserContext(), accounts.SignUp{BusinessName: req.BusinessName,
		Email: req.Email, Password: req.Password, FullName: req.FullName})
	if err != nil {
		return err
	}
	token, err := s.auth.issue(user)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(authResponse{Token: token, User: user, Tenant: tenant})
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	// The email is valid and at most 254 bytes here: the limiter's key is bounded by what it is made of.
	email, ip := strings.ToLower(strings.TrimSpace(req.Email)), c.IP()
	if err := s.logins.check(c, ip, email, time.Now()); err != nil {
		return err
	}
	user, tenant, err := s.accounts.Login(c.UserContext(), req.Email, req.Password)
	if errors.Is(err, accounts.ErrBadCredentials) {
		// Only wrong credentials count; a database outage (answered 503) is not the client's failure.
		s.logins.failed(ip, email, time.Now())
	}
	if err != nil {
		return err
	}
	token, err := s.auth.issue(user)
	if err != nil {
		return err
	}
	return c.JSON(authResponse{Token: token, User: user, Tenant: tenant})
}

// meResponse answers GET /api/auth/me.
type meResponse struct {
	User   accounts.User   `json:"user"`
	Tenant accounts.Tenant `json:"tenant"`
}

func (s *Server) me(c *fiber.Ctx) error {
	p := caller(c)
	user, tenant, err := s.accounts.Me(c.UserContext(), p.TenantID, p.UserID)
	if errors.Is(err, domain.ErrNotFound) {
		return &domain.Error{Code: domain.CodeUnauthorized, Message: "the user of this token no longer exists"}
	}
	if err != nil {
		return err
	}
	return c.JSON(meResponse{User: user, Tenant: tenant})
}
