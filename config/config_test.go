package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	mrand "math/rand/v2"
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
	// Issue 13, item 11: long enough, but guessable.
	for name, weak := range map[string][3]string{
		"repeats":   {strings.Repeat("a", 32), base64.StdEncoding.EncodeToString(make([]byte, 32)), strings.Repeat("o", 16)},
		"sequences": {"abcdefghijklmnopqrstuvwxyz012345", hex.EncodeToString(sequence(32)), "0123456789abcdef"},
		"patterns":  {strings.Repeat("secret", 6), base64.StdEncoding.EncodeToString([]byte(strings.Repeat("key!", 8))), "abababababababab"},
	} {
		t.Setenv("AEZEN_JWT_SECRET", weak[0])
		t.Setenv("AEZEN_ENCRYPTION_KEY", weak[1])
		t.Setenv("AEZEN_OPS_TOKEN", weak[2])
		_, err := Load()
		for _, want := range []string{"AEZEN_JWT_SECRET is long enough but guessable", "AEZEN_ENCRYPTION_KEY is 32 bytes but not random",
			"AEZEN_OPS_TOKEN is long enough but guessable"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("%s: %v does not say %q", name, err, want)
			}
		}
	}
	t.Setenv("AEZEN_JWT_SECRET", base64.StdEncoding.EncodeToString(randomBytes(32)))
	t.Setenv("AEZEN_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(randomBytes(32)))
	t.Setenv("AEZEN_OPS_TOKEN", hex.EncodeToString(randomBytes(8)))
	if _, err := Load(); err != nil {
		t.Fatalf("valid production config refused: %v", err)
	}
}

// Random secrets of the minimum sizes pass the entropy floor. The draws come from a seeded generator so a
// run is repeatable; the margins behind the floors are measured in entropy.go's comment.
func TestRandomSecretsPassTheEntropyFloor(t *testing.T) {
	seeded := mrand.New(mrand.NewChaCha8([32]byte{'a', 'e', 'z', 'e', 'n'}))
	randomBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(seeded.UintN(256))
		}
		return b
	}
	for i := 0; i < 20000; i++ {
		for name, c := range map[string]struct {
			secret []byte
			min    float64
		}{
			"hex JWT secret, 32 characters":   {[]byte(hex.EncodeToString(randomBytes(16))), minSecretBits},
			"base64 JWT secret":               {[]byte(base64.StdEncoding.EncodeToString(randomBytes(24))), minSecretBits},
			"random 32-byte key":              {randomBytes(32), minSecretBits},
			"32-byte key of hex characters":   {[]byte(hex.EncodeToString(randomBytes(16))), minSecretBits},
			"hex ops token, 16 characters":    {[]byte(hex.EncodeToString(randomBytes(8))), minOpsTokenBits},
			"base64 ops token, 16 characters": {[]byte(base64.RawURLEncoding.EncodeToString(randomBytes(12))), minOpsTokenBits},
		} {
			if bits := estimatedBits(c.secret); bits < c.min {
				t.Fatalf("%s %q scores %.0f bits, under %.0f", name, c.secret, bits, c.min)
			}
		}
	}
}

func sequence(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
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

// The bcrypt cost is bounded by bcrypt's own range, and production keeps at least bcrypt's default.
func TestPasswordCostBounds(t *testing.T) {
	for _, c := range []struct {
		env, cost string
		ok        bool
	}{{"development", "4", true}, {"development", "3", false}, {"development", "32", false},
		{"production", "9", false}, {"production", "10", true}, {"production", "12", true}} {
		t.Setenv("AEZEN_ENV", c.env)
		t.Setenv("DATABASE_URL", "postgres://u@localhost/db")
		t.Setenv("AEZEN_JWT_SECRET", base64.StdEncoding.EncodeToString(randomBytes(32)))
		t.Setenv("AEZEN_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(randomBytes(32)))
		t.Setenv("AEZEN_OPS_TOKEN", hex.EncodeToString(randomBytes(16)))
		t.Setenv("AEZEN_DATA_DIR", t.TempDir())
		t.Setenv("AEZEN_PASSWORD_COST", c.cost)
		_, err := Load()
		if refused := err != nil && strings.Contains(err.Error(), "AEZEN_PASSWORD_COST"); refused == c.ok {
			t.Fatalf("%s, cost %s: err = %v, want accepted = %v", c.env, c.cost, err, c.ok)
		}
		if c.ok && err != nil {
			t.Fatalf("%s, cost %s refused: %v", c.env, c.cost, err)
		}
	}
}
