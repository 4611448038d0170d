package config

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProductionRefusesMissingAndWeakSecrets(t *testing.T) {
	t.Setenv("AEZEN_ENV", "production")
	t.Setenv("DATABASE_URL", "postgres://u@localhost/db")
	t.Setenv("AEZEN_JWT_SECRET", "short")
	t.Setenv("AEZEN_ENCRYPTION_KEY", "")
	t.Setenv("AEZEN_OPS_TOKEN", "")
	t.Setenv("AEZEN_DATA_DIR", t.TempDir())
	_, err := Load()
	if err == nil {
		t.Fatal("production started with weak secrets")
	}
	for _, want := range []string{"AEZEN_JWT_SECRET", "AEZEN_ENCRYPTION_KEY", "AEZEN_OPS_TOKEN"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error does not name %s: %v", want, err)
		}
	}
	t.Setenv("AEZEN_JWT_SECRET", strings.Repeat("s", 32))
	t.Setenv("AEZEN_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	t.Setenv("AEZEN_OPS_TOKEN", strings.Repeat("o", 16))
	if _, err := Load(); err != nil {
		t.Fatalf("valid production config refused: %v", err)
	}
}

func TestDevelopmentGeneratesSecretsOnce(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AEZEN_ENV", "development")
	t.Setenv("DATABASE_URL", "postgres://u@localhost/db")
	t.Setenv("AEZEN_DATA_DIR", dir)
	for _, k := range []string{"AEZEN_JWT_SECRET", "AEZEN_ENCRYPTION_KEY", "AEZEN_OPS_TOKEN"} {
		t.Setenv(k, "")
	}
	first, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if first.JWTSecret == "" || first.JWTSecret != second.JWTSecret || first.EncryptionKey != second.EncryptionKey {
		t.Fatal("development secrets were not kept between starts")
	}
	info, err := os.Stat(filepath.Join(dir, "dev-secrets.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", info, err)
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	c := Defaults()
	c.Env = "staging"
	c.ClusterProvider = "zookeeper"
	c.DBMaxConns = 1
	c.MediaMaxBytes = 0
	c.MediaAllowedTypes = []string{"image/png", "png"}
	c.MediaURLTTL = time.Second
	c.PublicURL = "inbox.example.com"
	err := c.Validate()
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, want := range []string{"AEZEN_ENV", "DATABASE_URL", "AEZEN_CLUSTER_PROVIDER", "AEZEN_DB_MAX_CONNS",
		"AEZEN_MEDIA_MAX_BYTES", `AEZEN_MEDIA_ALLOWED_TYPES lists "png"`, "AEZEN_MEDIA_URL_TTL", "AEZEN_PUBLIC_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error does not name %s: %v", want, err)
		}
	}
}
