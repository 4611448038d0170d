// Package config reads the node's configuration from the environment, validates it and, in development,
// generates the secrets that were not given and keeps them under the data directory.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/crypto/bcrypt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is everything a node needs to start. Every field comes from an environment variable.
type Config struct {
	Env           string `env:"AEZEN_ENV" envDefault:"development"`
	DatabaseURL   string `env:"DATABASE_URL"`
	MasterDB      string `env:"AEZEN_MASTER_DB" envDefault:"aezen_master"`
	HTTPAddr      string `env:"AEZEN_HTTP_ADDR" envDefault:":8080"`
	JWTSecret     string `env:"AEZEN_JWT_SECRET"`
	EncryptionKey string `env:"AEZEN_ENCRYPTION_KEY"`
	OpsToken      string `env:"AEZEN_OPS_TOKEN"`
	DataDir       string `env:"AEZEN_DATA_DIR" envDefault:".data"`

	TokenTTL time.Duration `env:"AEZEN_TOKEN_TTL" envDefault:"24h"`
	// PasswordCost is the bcrypt cost of new password hashes (each step doubles the work; production needs
	// at least bcrypt's default 10). Logins use the cost stored in each hash.
	PasswordCost int `env:"AEZEN_PASSWORD_COST" envDefault:"10"`
	MaxBodyBytes int `env:"AEZEN_MAX_BODY_BYTES" envDefault:"1048576"`
	// MaxHeaderBytes bounds the request line and headers together (431 above).
	MaxHeaderBytes int `env:"AEZEN_MAX_HEADER_BYTES" envDefault:"8192"`
	// ReadTimeout bounds the time to read one request, body included (408 above).
	ReadTimeout      time.Duration `env:"AEZEN_READ_TIMEOUT" envDefault:"30s"`
	LoginMaxFailures int           `env:"AEZEN_LOGIN_MAX_FAILURES" envDefault:"5"`
	LoginWindow      time.Duration `env:"AEZEN_LOGIN_WINDOW" envDefault:"1m"`
	// LoginMaxFailuresPerAddress bounds failed logins from one address across all emails (password spraying).
	LoginMaxFailuresPerAddress int `env:"AEZEN_LOGIN_MAX_FAILURES_PER_ADDRESS" envDefault:"20"`
	// Sign-ups (each creates a database): per address and for the whole node, per SignupWindow.
	SignupPerAddress int           `env:"AEZEN_SIGNUP_PER_ADDRESS" envDefault:"5"`
	SignupGlobal     int           `env:"AEZEN_SIGNUP_GLOBAL" envDefault:"100"`
	SignupWindow     time.Duration `env:"AEZEN_SIGNUP_WINDOW" envDefault:"1h"`

	// DBMaxConns bounds the Postgres connections this node opens to tenant databases, whatever the tenant count.
	DBMaxConns int `env:"AEZEN_DB_MAX_CONNS" envDefault:"64"`
	// TenantMaxConns bounds one tenant's pool.
	TenantMaxConns int `env:"AEZEN_TENANT_MAX_CONNS" envDefault:"4"`
	// DBServers lists further PostgreSQL servers for tenant databases (name=URL,…; see DBServerList). Each
	// server has its own AEZEN_DB_MAX_CONNS budget on every node.
	DBServers string `env:"AEZEN_DB_SERVERS"`
	// DBPlacement picks the server of a new tenant: "least-tenants" or the name of one server.
	DBPlacement string `env:"AEZEN_DB_PLACEMENT" envDefault:"least-tenants"`
	// PGBin is the directory of pg_dump and pg_restore for `aezen tenant move`; empty: the newest
	// /usr/lib/postgresql/*/bin, else $PATH.
	PGBin                   string        `env:"AEZEN_PG_BIN"`
	TenantIdleTimeout       time.Duration `env:"AEZEN_TENANT_IDLE_TIMEOUT" envDefault:"10m"`
	ConversationIdleTimeout time.Duration `env:"AEZEN_CONVERSATION_IDLE_TIMEOUT" envDefault:"2m"`
	RequestTimeout          time.Duration `env:"AEZEN_REQUEST_TIMEOUT" envDefault:"10s"`
	// DBTimeout bounds one database step an actor runs off its mailbox (a lookup, a lease, a status change).
	DBTimeout time.Duration `env:"AEZEN_DB_TIMEOUT" envDefault:"5s"`
	// ActivationTimeout bounds a tenant's activation (database, migrations, pool), the scans that follow it
	// and one group commit.
	ActivationTimeout time.Duration `env:"AEZEN_ACTIVATION_TIMEOUT" envDefault:"30s"`
	// WhatsAppTimeout bounds one call to WhatsApp (connect, send, receipts, pairing, logout).
	WhatsAppTimeout time.Duration `env:"AEZEN_WHATSAPP_TIMEOUT" envDefault:"30s"`

	// WebhookAllowPrivate lets API-channel webhooks target loopback and private addresses (default: true in development).
	WebhookAllowPrivate *bool         `env:"AEZEN_WEBHOOK_ALLOW_PRIVATE"`
	WebhookTimeout      time.Duration `env:"AEZEN_WEBHOOK_TIMEOUT" envDefault:"5s"`
	WebhookMaxAttempts  int           `env:"AEZEN_WEBHOOK_MAX_ATTEMPTS" envDefault:"8"`
	WebhookBackoff      time.Duration `env:"AEZEN_WEBHOOK_BACKOFF" envDefault:"500ms"`
	WebhookMaxBackoff   time.Duration `env:"AEZEN_WEBHOOK_MAX_BACKOFF" envDefault:"30s"`
	// PresenceInterval is how often a tenant with automatic assignment on asks every member which of its
	// users have a WebSocket open there; a member that stops answering (it died) stops counting its users
	// online after three intervals.
	PresenceInterval time.Duration `env:"AEZEN_PRESENCE_INTERVAL" envDefault:"10s"`
	// EventWebhookDisableAfter turns an event webhook endpoint off after this many failed attempts in a row.
	EventWebhookDisableAfter int `env:"AEZEN_EVENT_WEBHOOK_DISABLE_AFTER" envDefault:"50"`
	// OutboundQueuePerChannel and OutboundQueuePerTenant bound the ids of pending webhook deliveries an API
	// channel session keeps in memory (its content is read from the outbox when sent); the rest wait in the
	// outbox table and are read when there is room.
	OutboundQueuePerChannel int `env:"AEZEN_OUTBOUND_QUEUE_PER_CHANNEL" envDefault:"1000"`
	OutboundQueuePerTenant  int `env:"AEZEN_OUTBOUND_QUEUE_PER_TENANT" envDefault:"5000"`

	// SignatureTolerance is how far the timestamp of a signed call (X-Aezen-Timestamp) may be from now.
	SignatureTolerance time.Duration `env:"AEZEN_SIGNATURE_TOLERANCE" envDefault:"5m"`
	// SignatureLegacy accepts API-channel calls signed over the body alone (no timestamp: replayable) and
	// signs outbound webhooks that way, for integrations written before timestamps. A migration switch.
	SignatureLegacy bool `env:"AEZEN_SIGNATURE_LEGACY" envDefault:"false"`
	// SecretRotationGrace is how long a rotated webhook secret keeps verifying calls next to the new one.
	SecretRotationGrace time.Duration `env:"AEZEN_SECRET_ROTATION_GRACE" envDefault:"24h"`

	// WebSocket connections at once, per user and per tenant, on this node.
	WSMaxPerUser   int `env:"AEZEN_WS_MAX_PER_USER" envDefault:"20"`
	WSMaxPerTenant int `env:"AEZEN_WS_MAX_PER_TENANT" envDefault:"500"`
	// WSWriteTimeout is how long one frame may wait for a client that does not read before the connection
	// is cut (1006). A client that falls 512 frames behind first is dropped with 1013 instead.
	WSWriteTimeout time.Duration `env:"AEZEN_WS_WRITE_TIMEOUT" envDefault:"10s"`

	// WhatsApp outbound pacing per number.
	WhatsAppSendRate  float64 `env:"AEZEN_WHATSAPP_SEND_RATE" envDefault:"1"`
	WhatsAppSendBurst int     `env:"AEZEN_WHATSAPP_SEND_BURST" envDefault:"5"`
	// WhatsAppHistoryDays is how many days of history a newly paired number imports (0: none).
	WhatsAppHistoryDays int `env:"AEZEN_WHATSAPP_HISTORY_DAYS" envDefault:"30"`
	// MessageEditWindow is how long after it was sent an AGENT message may be edited (WhatsApp's window is
	// 15 minutes; its servers refuse later edits). MessageRevokeWindow is the same for deleting for everyone
	// (WhatsApp allows about two days).
	MessageEditWindow   time.Duration `env:"AEZEN_MESSAGE_EDIT_WINDOW" envDefault:"15m"`
	MessageRevokeWindow time.Duration `env:"AEZEN_MESSAGE_REVOKE_WINDOW" envDefault:"48h"`

	// Media: the size limit of one file, the accepted types ("type/subtype" or "type/*"; empty means the
	// engine's list, media.DefaultAllowedTypes), the lifetime of signed media URLs and the public origin
	// they start with ("" makes them relative to the engine, enough for the web app; webhook receivers
	// need it set).
	MediaMaxBytes     int64         `env:"AEZEN_MEDIA_MAX_BYTES" envDefault:"16777216"`
	MediaAllowedTypes []string      `env:"AEZEN_MEDIA_ALLOWED_TYPES" envSeparator:","`
	MediaURLTTL       time.Duration `env:"AEZEN_MEDIA_URL_TTL" envDefault:"24h"`
	PublicURL         string        `env:"AEZEN_PUBLIC_URL"`

	ClusterProvider string   `env:"AEZEN_CLUSTER_PROVIDER" envDefault:"none"`
	ClusterName     string   `env:"AEZEN_CLUSTER_NAME" envDefault:"aezen"`
	NodeHost        string   `env:"AEZEN_NODE_HOST" envDefault:"127.0.0.1"`
	NodePort        int      `env:"AEZEN_NODE_PORT" envDefault:"0"`
	ClusterPeers    []string `env:"AEZEN_CLUSTER_PEERS" envSeparator:","`
	AutomanagedPort int      `env:"AEZEN_AUTOMANAGED_PORT" envDefault:"0"`
	EtcdEndpoints   []string `env:"AEZEN_ETCD_ENDPOINTS" envSeparator:","`

	// ClusterTLSCA, ClusterTLSCert and ClusterTLSKey are PEM files: the cluster's CA and this member's
	// certificate and key. Members accept only peers whose certificate the CA issued (mutual TLS).
	ClusterTLSCA   string `env:"AEZEN_CLUSTER_TLS_CA"`
	ClusterTLSCert string `env:"AEZEN_CLUSTER_TLS_CERT"`
	ClusterTLSKey  string `env:"AEZEN_CLUSTER_TLS_KEY"`
}

// ClusterTLS reports whether the cluster's mutual TLS files are configured.
func (c *Config) ClusterTLS() bool {
	return c.ClusterTLSCA != "" && c.ClusterTLSCert != "" && c.ClusterTLSKey != ""
}

// Production reports whether the node runs in production mode.
func (c *Config) Production() bool { return c.Env == "production" }

// AllowPrivateWebhooks reports whether webhook targets in private and loopback ranges are allowed.
func (c *Config) AllowPrivateWebhooks() bool {
	if c.WebhookAllowPrivate != nil {
		return *c.WebhookAllowPrivate
	}
	return !c.Production()
}

// EncryptionKeyBytes decodes the 32-byte AES key (base64 or hex).
func (c *Config) EncryptionKeyBytes() ([]byte, error) { return decodeKey(c.EncryptionKey) }

// Load reads the environment, fills development secrets and validates the result.
// The returned error lists every problem, one per line.
func Load() (*Config, error) {
	cfg, err := env.ParseAs[Config]()
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if !cfg.Production() {
		if err := cfg.fillDevSecrets(); err != nil {
			return nil, err
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// Validate checks every field and reports all problems at once.
func (c *Config) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if c.Env != "development" && c.Env != "production" {
		add("AEZEN_ENV must be development or production, got %q", c.Env)
	}
	if c.DatabaseURL == "" {
		add("DATABASE_URL is not set: point it at a PostgreSQL role allowed to create databases (make run starts a private server and sets it)")
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		add("DATABASE_URL must be a postgres:// URL")
	}
	const generate = " (generate one with: openssl rand -base64 32)"
	if len(c.JWTSecret) < 32 {
		add("AEZEN_JWT_SECRET must be at least 32 characters")
	} else if c.Production() && estimatedBits([]byte(c.JWTSecret)) < minSecretBits {
		add("AEZEN_JWT_SECRET is long enough but guessable (repeated or sequential characters)" + generate)
	}
	if key, err := decodeKey(c.EncryptionKey); err != nil {
		add("AEZEN_ENCRYPTION_KEY %v", err)
	} else if c.Production() && estimatedBits(key) < minSecretBits {
		add("AEZEN_ENCRYPTION_KEY is 32 bytes but not random (zeros, repeats or a sequence)" + generate)
	}
	if len(c.OpsToken) < 16 {
		add("AEZEN_OPS_TOKEN must be at least 16 characters")
	} else if c.Production() && estimatedBits([]byte(c.OpsToken)) < minOpsTokenBits {
		add("AEZEN_OPS_TOKEN is long enough but guessable (repeated or sequential characters)" + generate)
	}
	if c.PasswordCost < bcrypt.MinCost || c.PasswordCost > bcrypt.MaxCost || (c.Production() && c.PasswordCost < bcrypt.DefaultCost) {
		add("AEZEN_PASSWORD_COST must be between %d and %d (at least %d in production)", bcrypt.MinCost, bcrypt.MaxCost, bcrypt.DefaultCost)
	}
	if c.LoginMaxFailures < 1 || c.LoginMaxFailuresPerAddress < c.LoginMaxFailures || c.LoginWindow < time.Second {
		add("AEZEN_LOGIN_MAX_FAILURES must be at least 1, AEZEN_LOGIN_MAX_FAILURES_PER_ADDRESS at least AEZEN_LOGIN_MAX_FAILURES, AEZEN_LOGIN_WINDOW at least 1s")
	}
	if c.PresenceInterval < 100*time.Millisecond || c.PresenceInterval > 5*time.Minute {
		add("AEZEN_PRESENCE_INTERVAL must be between 100ms and 5m")
	}
	if c.EventWebhookDisableAfter < 1 {
		add("AEZEN_EVENT_WEBHOOK_DISABLE_AFTER must be at least 1")
	}
	if c.SignupPerAddress < 1 || c.SignupGlobal < c.SignupPerAddress || c.SignupWindow < time.Second {
		add("AEZEN_SIGNUP_PER_ADDRESS must be at least 1, AEZEN_SIGNUP_GLOBAL at least AEZEN_SIGNUP_PER_ADDRESS, AEZEN_SIGNUP_WINDOW at least 1s")
	}
	if c.SignatureTolerance < 10*time.Second || c.SignatureTolerance > time.Hour {
		add("AEZEN_SIGNATURE_TOLERANCE must be between 10s and 1h")
	}
	if c.SecretRotationGrace < 0 || c.SecretRotationGrace > 30*24*time.Hour {
		add("AEZEN_SECRET_ROTATION_GRACE must be between 0 and 720h")
	}
	if c.WSWriteTimeout < time.Second {
		add("AEZEN_WS_WRITE_TIMEOUT must be at least 1s")
	}
	if c.WSMaxPerUser < 1 || c.WSMaxPerTenant < c.WSMaxPerUser {
		add("AEZEN_WS_MAX_PER_USER must be at least 1 and AEZEN_WS_MAX_PER_TENANT at least AEZEN_WS_MAX_PER_USER")
	}
	if c.MaxHeaderBytes < 1024 || c.MaxHeaderBytes > 1<<20 {
		add("AEZEN_MAX_HEADER_BYTES must be between 1024 and 1048576")
	}
	if c.ReadTimeout < 100*time.Millisecond {
		add("AEZEN_READ_TIMEOUT must be at least 100ms")
	}
	if c.DBTimeout < 100*time.Millisecond || c.ActivationTimeout < time.Second || c.WhatsAppTimeout < time.Second {
		add("AEZEN_DB_TIMEOUT must be at least 100ms, AEZEN_ACTIVATION_TIMEOUT and AEZEN_WHATSAPP_TIMEOUT at least 1s")
	}
	if c.DBMaxConns < 2 {
		add("AEZEN_DB_MAX_CONNS must be at least 2")
	}
	if c.TenantMaxConns < 1 || c.TenantMaxConns > c.DBMaxConns {
		add("AEZEN_TENANT_MAX_CONNS must be between 1 and AEZEN_DB_MAX_CONNS")
	}
	switch c.ClusterProvider {
	case "none", "automanaged", "kubernetes", "consul", "etcd":
	default:
		add("AEZEN_CLUSTER_PROVIDER must be none, automanaged, kubernetes, consul or etcd, got %q", c.ClusterProvider)
	}
	if c.ClusterProvider == "automanaged" && (len(c.ClusterPeers) == 0 || c.AutomanagedPort == 0) {
		add("AEZEN_CLUSTER_PEERS (host:port list of every member's automanaged port) and AEZEN_AUTOMANAGED_PORT are required with automanaged")
	}
	if c.ClusterProvider == "etcd" && len(c.EtcdEndpoints) == 0 {
		add("AEZEN_ETCD_ENDPOINTS is required with the etcd provider")
	}
	if c.ClusterProvider != "none" && c.NodePort == 0 && c.ClusterProvider != "kubernetes" {
		add("AEZEN_NODE_PORT must be set in a cluster, so that peers can reach this member")
	}
	tlsSet := 0
	for _, v := range []string{c.ClusterTLSCA, c.ClusterTLSCert, c.ClusterTLSKey} {
		if v != "" {
			tlsSet++
		}
	}
	if tlsSet != 0 && tlsSet != 3 {
		add("AEZEN_CLUSTER_TLS_CA, AEZEN_CLUSTER_TLS_CERT and AEZEN_CLUSTER_TLS_KEY go together: set all three or none")
	}
	if c.Production() && c.ClusterProvider != "none" && tlsSet != 3 {
		add("AEZEN_CLUSTER_TLS_CA, AEZEN_CLUSTER_TLS_CERT and AEZEN_CLUSTER_TLS_KEY are required in production with a multi-member provider: members accept only peers with a certificate of the cluster CA (aezen cluster-ca makes one)")
	}
	if c.OutboundQueuePerChannel < 1 || c.OutboundQueuePerTenant < c.OutboundQueuePerChannel {
		add("AEZEN_OUTBOUND_QUEUE_PER_CHANNEL must be at least 1 and AEZEN_OUTBOUND_QUEUE_PER_TENANT at least as large")
	}
	if c.WhatsAppSendRate <= 0 || c.WhatsAppSendBurst < 1 {
		add("AEZEN_WHATSAPP_SEND_RATE must be > 0 and AEZEN_WHATSAPP_SEND_BURST >= 1")
	}
	if c.WhatsAppHistoryDays < 0 || c.WhatsAppHistoryDays > 3650 {
		add("AEZEN_WHATSAPP_HISTORY_DAYS must be between 0 (no history import) and 3650")
	}
	if c.MediaMaxBytes < 1 {
		add("AEZEN_MEDIA_MAX_BYTES must be at least 1")
	}
	for _, t := range c.MediaAllowedTypes {
		if t = strings.TrimSpace(t); !strings.Contains(t, "/") || strings.HasPrefix(t, "/") || strings.HasSuffix(t, "/") {
			add("AEZEN_MEDIA_ALLOWED_TYPES lists %q: each entry is type/subtype or type/*", t)
		}
	}
	if c.MessageEditWindow <= 0 || c.MessageRevokeWindow <= 0 {
		add("AEZEN_MESSAGE_EDIT_WINDOW and AEZEN_MESSAGE_REVOKE_WINDOW must be positive")
	}
	if c.MediaURLTTL < time.Minute {
		add("AEZEN_MEDIA_URL_TTL must be at least 1m")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			add("AEZEN_PUBLIC_URL must be an http(s) origin such as https://inbox.example.com")
		}
	}
	c.validateServers(add)
	if len(problems) > 0 {
		return errors.New("configuration problems:\n  - " + strings.Join(problems, "\n  - "))
	}
	return nil
}

type devSecrets struct {
	JWTSecret     string `json:"jwtSecret"`
	EncryptionKey string `json:"encryptionKey"`
	OpsToken      string `json:"opsToken"`
}

// fillDevSecrets generates missing secrets once and keeps them in DataDir/dev-secrets.json.
func (c *Config) fillDevSecrets() error {
	if c.JWTSecret != "" && c.EncryptionKey != "" && c.OpsToken != "" {
		return nil
	}
	path := filepath.Join(c.DataDir, "dev-secrets.json")
	var s devSecrets
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
	}
	changed := false
	gen := func(field *string) {
		if *field == "" {
			*field = randomKey()
			changed = true
		}
	}
	gen(&s.JWTSecret)
	gen(&s.EncryptionKey)
	gen(&s.OpsToken)
	if changed {
		if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", c.DataDir, err)
		}
		b, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if c.JWTSecret == "" {
		c.JWTSecret = s.JWTSecret
	}
	if c.EncryptionKey == "" {
		c.EncryptionKey = s.EncryptionKey
	}
	if c.OpsToken == "" {
		c.OpsToken = s.OpsToken
	}
	return nil
}

func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("is not set (32 random bytes, base64 encoded)")
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("must be 32 bytes, base64 or hex encoded")
}

// Defaults returns the configuration with every default applied and nothing read from the environment.
func Defaults() *Config {
	cfg, err := env.ParseAsWithOptions[Config](env.Options{Environment: map[string]string{}})
	if err != nil {
		panic(err)
	}
	return &cfg
}
