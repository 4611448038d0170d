package persistence

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// An activation ends when its member releases the lease; one whose member never did (killed, or stopped
// before it could) is recorded as ended when its lease expired, once the next activation takes over.
func TestActivationsEndAtReleaseOrAtExpiry(t *testing.T) {
	ctx := context.Background()
	url, name := emptyDatabase(t, "aezen_test_leases_")
	admin, err := NewAdmin(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	m, err := OpenMaster(ctx, admin, url, name, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tenantID := uuid.Must(uuid.NewV7())
	if err := m.InTx(ctx, func(tx pgx.Tx) error {
		_, err := InsertTenant(ctx, tx, Tenant{TenantID: tenantID, Name: "t", DatabaseName: "aezen_t_x", Status: "ACTIVE"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	acquire := func(holder string, ttl time.Duration) TenantLease {
		t.Helper()
		l, ok, err := m.AcquireTenantLease(ctx, tenantID, holder, ttl)
		if err != nil || !ok {
			t.Fatalf("%s could not take the lease: ok=%v err=%v", holder, ok, err)
		}
		return l
	}

	first := acquire("member-a", time.Hour)
	if _, ok, _ := m.AcquireTenantLease(ctx, tenantID, "member-b", time.Hour); ok {
		t.Fatal("a held lease was taken")
	}
	if err := m.ReleaseTenantLease(ctx, tenantID, first.Epoch); err != nil {
		t.Fatal(err)
	}
	second := acquire("member-b", 300*time.Millisecond) // member-b then dies without releasing
	time.Sleep(400 * time.Millisecond)
	third := acquire("member-c", time.Hour)

	acts, err := m.TenantActivations(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 3 || acts[0].Epoch != first.Epoch || acts[1].Epoch != second.Epoch || acts[2].Epoch != third.Epoch {
		t.Fatalf("activations %+v", acts)
	}
	for k := 0; k < 2; k++ {
		if acts[k].EndedAt == nil || acts[k+1].StartedAt.Before(*acts[k].EndedAt) {
			t.Fatalf("activation %d (ended %v) overlaps activation %d (started %v)", acts[k].Epoch, acts[k].EndedAt, acts[k+1].Epoch, acts[k+1].StartedAt)
		}
	}
	if d := acts[1].EndedAt.Sub(acts[1].StartedAt); d < 200*time.Millisecond || d > 300*time.Millisecond {
		t.Fatalf("the expired activation is recorded as lasting %v; its lease was for 300ms", d)
	}
	if acts[2].EndedAt != nil {
		t.Fatalf("the current activation is recorded as ended at %v", acts[2].EndedAt)
	}
}
