package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/persistence"
)

// TestHalfProvisionedTenantIsRepairedOnActivation: a sign-up that stopped after committing the tenant row
// (PROVISIONING, no database yet) is finished by the tenant's first activation.
func TestHalfProvisionedTenantIsRepairedOnActivation(t *testing.T) {
	e := testkit.StartDefault(t)
	ctx := context.Background()
	tenantID := uuid.Must(uuid.NewV7())
	hash, _ := bcrypt.GenerateFromPassword([]byte("half-done-password"), bcrypt.MinCost)
	email := "half-" + testkit.RandomID() + "@example.com"
	err := e.Deps.Master.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := persistence.InsertTenant(ctx, tx, persistence.Tenant{TenantID: tenantID, Name: "Half",
			DatabaseName: persistence.TenantDatabaseName(tenantID), Status: persistence.TenantProvisioning}); err != nil {
			return err
		}
		_, err := persistence.InsertUser(ctx, tx, persistence.User{UserID: uuid.Must(uuid.NewV7()), TenantID: tenantID,
			Email: email, HashedPassword: string(hash), Role: "OWNER"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	token := login(t, e, email, "half-done-password")
	e.Must(http.StatusOK, "GET", "/api/conversations", token, nil, nil)
	tenant, err := e.Deps.Master.GetTenant(ctx, tenantID)
	if err != nil || tenant.Status != persistence.TenantActive {
		t.Fatalf("tenant after activation: %+v %v", tenant, err)
	}
	if ok, _ := e.Deps.Admin.DatabaseExists(ctx, tenant.DatabaseName); !ok {
		t.Fatal("tenant database was not created")
	}
}
