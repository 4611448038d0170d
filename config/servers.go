package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// DefaultServer is the name of the PostgreSQL server of DATABASE_URL: it holds the master database and
// every tenant database placed before other servers were configured.
const DefaultServer = "default"

// PlacementLeastTenants places a new tenant on the configured server that holds the fewest tenants.
const PlacementLeastTenants = "least-tenants"

// DBServer is one PostgreSQL server that may hold tenant databases.
type DBServer struct {
	Name string
	URL  string
}

var serverName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// DBServerList returns the servers tenant databases may live on: "default" (DATABASE_URL) first, then those of
// AEZEN_DB_SERVERS in the order given. AEZEN_DB_SERVERS is a comma-separated list of name=URL pairs, e.g.
// `big=postgres://aezen@db2:5432/postgres,eu=postgres://aezen@db3/postgres`; each URL names the server's
// maintenance database (like DATABASE_URL), and its role must be allowed to create databases.
func (c *Config) DBServerList() ([]DBServer, error) {
	list := []DBServer{{Name: DefaultServer, URL: c.DatabaseURL}}
	seen := map[string]bool{DefaultServer: true}
	for _, item := range strings.Split(c.DBServers, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, raw, ok := strings.Cut(item, "=")
		name, raw = strings.TrimSpace(name), strings.TrimSpace(raw)
		if !ok || !serverName.MatchString(name) {
			return nil, fmt.Errorf("AEZEN_DB_SERVERS: %q is not name=postgres://… with a name of lower-case letters, digits, - and _", redactServer(item))
		}
		if seen[name] {
			return nil, fmt.Errorf("AEZEN_DB_SERVERS: server %q is named twice (%q is DATABASE_URL's)", name, DefaultServer)
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return nil, fmt.Errorf("AEZEN_DB_SERVERS: server %q needs a postgres:// URL with a host", name)
		}
		seen[name] = true
		list = append(list, DBServer{Name: name, URL: raw})
	}
	return list, nil
}

// validateServers checks AEZEN_DB_SERVERS and AEZEN_DB_PLACEMENT together.
func (c *Config) validateServers(add func(string, ...any)) {
	list, err := c.DBServerList()
	if err != nil {
		add("%v", err)
		return
	}
	if c.DBPlacement == PlacementLeastTenants {
		return
	}
	for _, s := range list {
		if s.Name == c.DBPlacement {
			return
		}
	}
	add("AEZEN_DB_PLACEMENT must be %q or the name of a configured server (%q or one of AEZEN_DB_SERVERS), got %q",
		PlacementLeastTenants, DefaultServer, c.DBPlacement)
}

// redactServer keeps a password out of an error message.
func redactServer(item string) string {
	if i := strings.Index(item, "@"); i >= 0 {
		return "…" + item[i:]
	}
	return item
}
