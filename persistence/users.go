package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// User is a team member of one tenant; the email is unique across the whole system.
type User struct {
	UserID         uuid.UUID `json:"userId"`
	TenantID       uuid.UUID `json:"tenantId"`
	Email          string    `json:"email"`
	HashedPassword string    `json:"-"`
	// TokenVersion goes into the user's tokens; a password change increments it, which revokes them.
	TokenVersion      int       `json:"-"`
	FullName          *string   `json:"fullName"`
	Role              string    `json:"role"`
	LoginProvider     string    `json:"loginProvider"`
	ProviderAccountID *string   `json:"providerAccountId"`
	BusinessName      *string   `json:"businessName"`
	AvatarURL         *string   `json:"avatarUrl"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

// UserChanges are the fields an update may set; nil leaves a field as it is.
type UserChanges struct {
	FullName       *string
	Role           *string
	AvatarURL      *string
	BusinessName   *string
	HashedPassword *string
}

const userColumns = `user_id, tenant_id, email, coalesce(hashed_password, ''), full_name, role, login_provider,
	provider_account_id, business_name, avatar_url, created_at, updated_at, token_version`

const (
	sqlInsertUser = `INSERT INTO users (user_id, tenant_id, email, hashed_password, full_name, role, login_provider, business_name, avatar_url)
		VALUES ($1, $2, $3, $4, $5, $6, 'EMAIL', $7, $8) RETURNING ` + userColumns
	sqlGetUserByEmail = `SELECT ` + userColumns + ` FROM users WHERE lower(email) = lower($1)`
	sqlGetUser        = `SELECT ` + userColumns + ` FROM users WHERE user_id = $1 AND tenant_id = $2`
	sqlListUsers      = `SELECT ` + userColumns + ` FROM users WHERE tenant_id = $1 ORDER BY created_at, user_id`
	sqlUpdateUser     = `UPDATE users SET
			full_name = coalesce($3, full_name),
			role = coalesce($4::user_role, role),
			avatar_url = coalesce($5, avatar_url),
			business_name = coalesce($6, business_name),
			hashed_password = coalesce($7, hashed_password),
			token_version = token_version + CASE WHEN $7::text IS NULL THEN 0 ELSE 1 END,
			updated_at = now()
		WHERE user_id = $1 AND tenant_id = $2 RETURNING ` + userColumns
	sqlDeleteUser  = `DELETE FROM users WHERE user_id = $1 AND tenant_id = $2`
	sqlCountOwners = `SELECT count(*) FROM users WHERE tenant_id = $1 AND role = 'OWNER'`
	// sqlLockTenantUsers serializes team changes of one tenant so that two requests cannot remove the last two owners.
	sqlLockTenantUsers = `SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))`
)

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.UserID, &u.TenantID, &u.Email, &u.HashedPassword, &u.FullName, &u.Role, &u.LoginProvider,
		&u.ProviderAccountID, &u.BusinessName, &u.AvatarURL, &u.CreatedAt, &u.UpdatedAt, &u.TokenVersion)
	return u, translate(err, "user")
}

// InsertUser adds a user inside tx. A taken email is a conflict.
func InsertUser(ctx context.Context, tx pgx.Tx, u User) (User, error) {
	return scanUser(tx.QueryRow(ctx, sqlInsertUser, u.UserID, u.TenantID, u.Email, u.HashedPassword, u.FullName, u.Role, u.BusinessName, u.AvatarURL))
}

// GetUserByEmail finds a user by email, case-insensitively.
func (m *Master) GetUserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(m.Pool.QueryRow(ctx, sqlGetUserByEmail, email))
}

// GetUser loads a user of one tenant; users of other tenants are not found.
func (m *Master) GetUser(ctx context.Context, tenantID, userID uuid.UUID) (User, error) {
	return scanUser(m.Pool.QueryRow(ctx, sqlGetUser, userID, tenantID))
}

// ListUsers returns the team of one tenant.
func (m *Master) ListUsers(ctx context.Context, tenantID uuid.UUID) ([]User, error) {
	rows, err := m.Pool.Query(ctx, sqlListUsers, tenantID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
}

// LockTeam takes the tenant's team lock for the rest of tx.
func LockTeam(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) error {
	_, err := tx.Exec(ctx, sqlLockTenantUsers, tenantID)
	return err
}

// CountOwners counts the tenant's owners inside tx.
func CountOwners(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) (int, error) {
	var n int
	err := tx.QueryRow(ctx, sqlCountOwners, tenantID).Scan(&n)
	return n, err
}

// GetUserTx loads a user of one tenant inside tx.
func GetUserTx(ctx context.Context, tx pgx.Tx, tenantID, userID uuid.UUID) (User, error) {
	return scanUser(tx.QueryRow(ctx, sqlGetUser, userID, tenantID))
}

// UpdateUser applies changes inside tx.
func UpdateUser(ctx context.Context, tx pgx.Tx, tenantID, userID uuid.UUID, c UserChanges) (User, error) {
	return scanUser(tx.QueryRow(ctx, sqlUpdateUser, userID, tenantID, c.FullName, c.Role, c.AvatarURL, c.BusinessName, c.HashedPassword))
}

// DeleteUser removes a user inside tx.
func DeleteUser(ctx context.Context, tx pgx.Tx, tenantID, userID uuid.UUID) error {
	tag, err := tx.Exec(ctx, sqlDeleteUser, userID, tenantID)
	if err == nil && tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "user")
	}
	return err
}
