package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// print writes the cluster rows of the table.
func (c *ClusterResult) print(row func(cols ...string)) {
	per := make([]string, len(c.TenantsPerMember))
	for i, n := range c.TenantsPerMember {
		per[i] = strconv.Itoa(n)
	}
	row("cluster", fmt.Sprintf("%d members (processes), %d tenants × %d chats, AEZEN_DB_MAX_CONNS %d each", c.Members, c.Tenants,
		c.ChatsPerTenant, c.DBMaxConns), fmt.Sprintf("joined in %.1f s, signed up in %.1f s; tenants per member %s",
		c.StartSeconds, c.SignUpSeconds, strings.Join(per, " / ")))
	in := c.Ingest
	if in.Producers > 0 {
		row("cluster", fmt.Sprintf("ingest over HTTP, %d producers round-robin (%.0f%% to a non-host member)", in.Producers, in.CrossMember*100),
			fmt.Sprintf("%s committed (%d errors, %d/%d frames)", rate(in.PerSecond), in.Errors, in.Frames, in.Messages))
		row("cluster", "arrival → commit acknowledged (202)", lat(in.ToAck))
		row("cluster", "arrival → WebSocket frame (client on a non-host member)", lat(in.ToFrame))
		if u := in.CPU; u != nil {
			row("cluster", "", c.cpuString())
			if in.PerSecond > 0 {
				s := fmt.Sprintf("cpu per message: members %.0f µs, bench process %.0f µs", in.MembersCores/in.PerSecond*1e6, u.Process/in.PerSecond*1e6)
				if u.Postgres >= 0 {
					s += fmt.Sprintf(", postgres %.0f µs", u.Postgres/in.PerSecond*1e6)
				}
				row("cluster", "", s)
			}
		}
	}
	f := c.Failover
	if f == nil {
		return
	}
	served := fmt.Sprintf("%d/%d serving again through a survivor", f.Served, f.Tenants)
	if f.Served > 0 {
		served += fmt.Sprintf(": first %s, p50 %s, max %s", secs(f.FirstMs), secs(f.TimeToServe.P50), secs(f.TimeToServe.Max))
	}
	row("cluster", fmt.Sprintf("failover: kill -9 of member %d (hosting %d tenants) → first request served", f.Member, f.Tenants), served)
	seen := "not within 60 s"
	if f.SurvivorsSeeMs > 0 {
		seen = secs(f.SurvivorsSeeMs)
	}
	row("cluster", "  survivors list only themselves after", seen)
	row("cluster", "  inbound in flight at the kill", fmt.Sprintf("%d: %d acknowledged (longest wait %s), %d failed",
		f.InFlight, f.InFlightAcked, secs(f.InFlightMaxMs), f.InFlightFailed))
	row("cluster", "  acknowledged vs stored, every tenant", fmt.Sprintf("%d acknowledged, %d stored: %d acknowledged but missing, %d stored without acknowledgement",
		f.Acked, f.Stored, f.AckedMissing, f.StoredUnacked))
}

// cpuString is the CPU line of the ingest window, with the members' processes on their own.
func (c *ClusterResult) cpuString() string {
	u := c.Ingest.CPU
	pg := "n/a"
	if u.Postgres >= 0 {
		pg = fmt.Sprintf("%.2f", u.Postgres)
	}
	s := fmt.Sprintf("cpu cores: members %.2f, bench process %.2f, postgres %s, machine busy %.2f", c.Ingest.MembersCores, u.Process, pg, u.Machine)
	if other := u.Machine - u.Process - c.Ingest.MembersCores - max(0, u.Postgres); other > 0.25 {
		s += fmt.Sprintf(" (other work %.2f: noisy)", other)
	}
	return s
}

// note summarizes the phase; the issue sets no target for the cluster, so it is not a PASS/FAIL line.
func (c *ClusterResult) note() string {
	if c.Ingest.Producers == 0 {
		return "cluster: the phase stopped before its ingest figures"
	}
	s := fmt.Sprintf("cluster (no target): %s through %d members", rate(c.Ingest.PerSecond), c.Members)
	f := c.Failover
	if f == nil {
		return s + "; no failover measured"
	}
	s += fmt.Sprintf("; %d of %d tenants of the killed member served again", f.Served, f.Tenants)
	if f.Served > 0 {
		s += fmt.Sprintf(" after p50 %s, max %s (automanaged discovery polls every 2 s)", secs(f.TimeToServe.P50), secs(f.TimeToServe.Max))
	}
	if f.AckedMissing > 0 {
		return s + fmt.Sprintf("; %d ACKNOWLEDGED MESSAGES ARE NOT STORED", f.AckedMissing)
	}
	return s + "; every acknowledged message is stored"
}

func secs(ms float64) string { return fmt.Sprintf("%.2f s", ms/1000) }
