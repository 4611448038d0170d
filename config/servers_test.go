package config

import (
	"strings"
	"testing"
)

// TestDBServers: AEZEN_DB_SERVERS is parsed into named servers after "default", and bad names, duplicates,
// URLs and placements are refused with the variable named (and no password echoed).
func TestDBServers(t *testing.T) {
	c := Defaults()
	c.DatabaseURL = "postgres://u@db1/postgres"
	c.DBServers = " big=postgres://u:secret@db2:5432/postgres?sslmode=disable , eu=postgresql://u@db3/postgres,"
	list, err := c.DBServerList()
	if err != nil {
		t.Fatal(err)
	}
	want := []DBServer{{"default", c.DatabaseURL}, {"big", "postgres://u:secret@db2:5432/postgres?sslmode=disable"}, {"eu", "postgresql://u@db3/postgres"}}
	if len(list) != len(want) {
		t.Fatalf("got %v", list)
	}
	for i := range want {
		if list[i] != want[i] {
			t.Fatalf("server %d: got %v, want %v", i, list[i], want[i])
		}
	}
	for _, bad := range []string{"Big=postgres://h/p", "default=postgres://h/p", "a=postgres://h/p,a=postgres://h/q",
		"a=http://h/p", "a", "a=postgres://u:pw@/p"} {
		c.DBServers = bad
		_, err := c.DBServerList()
		if err == nil || !strings.Contains(err.Error(), "AEZEN_DB_SERVERS") || strings.Contains(err.Error(), "pw") {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	c.DBServers = "big=postgres://u@db2/postgres"
	var problems []string
	add := func(f string, a ...any) { problems = append(problems, f) }
	for _, ok := range []string{"least-tenants", "default", "big"} {
		c.DBPlacement, problems = ok, nil
		if c.validateServers(add); len(problems) != 0 {
			t.Fatalf("placement %q refused", ok)
		}
	}
	c.DBPlacement = "small"
	if c.validateServers(add); len(problems) != 1 {
		t.Fatal("placement on an unknown server accepted")
	}
}
