package persistence

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"
)

// Migrations are numbered 1..n with no gap and no repeat in each schema: tern refuses anything else at the
// first activation, so two branches that each add "005_…" would land a build that provisions no tenant.
// This fails at `go test` instead.
func TestMigrationNumbersAreContiguous(t *testing.T) {
	for _, schema := range []Schema{MasterSchema, TenantSchema} {
		entries, err := fs.ReadDir(schema.files(), ".")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]string{}
		for _, e := range entries {
			prefix, _, ok := strings.Cut(e.Name(), "_")
			n, err := strconv.Atoi(prefix)
			if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
				t.Errorf("%s: %s is not named NNN_name.sql", schema, e.Name())
				continue
			}
			if other, dup := seen[n]; dup {
				t.Errorf("%s: %s and %s have the same number; renumber the newer one", schema, other, e.Name())
			}
			seen[n] = e.Name()
		}
		for n := 1; n <= len(seen); n++ {
			if _, ok := seen[n]; !ok {
				t.Errorf("%s: no migration %03d (they must run 1..%d without a gap)", schema, n, len(seen))
			}
		}
	}
}
