package persistence

import (
	"os"
	"testing"
)

// testDatabaseURL is the PostgreSQL server the tests create their databases on. Without one they fail
// rather than skip: a skipped database test reads as a passing one.
func testDatabaseURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("AEZEN_TEST_DATABASE_URL")
	if url == "" {
		tb.Fatal("AEZEN_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a private " +
			"PostgreSQL, or point AEZEN_TEST_DATABASE_URL at a server where the tests may create and drop " +
			"databases (e.g. postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable)")
	}
	return url
}
