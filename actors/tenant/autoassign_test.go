package tenant

import (
	"testing"

	"github.com/google/uuid"
)

// TestNextAgentRoundRobinUnderCap: the agent after the last one picked, wrapping around, skipping those at
// the cap; none when everyone is.
func TestNextAgentRoundRobinUnderCap(t *testing.T) {
	a, b, c := uuid.MustParse("00000000-0000-0000-0000-00000000000a"), uuid.MustParse("00000000-0000-0000-0000-00000000000b"),
		uuid.MustParse("00000000-0000-0000-0000-00000000000c")
	agents := []uuid.UUID{a, b, c}
	cases := []struct {
		last uuid.UUID
		open map[uuid.UUID]int
		want uuid.UUID
		ok   bool
	}{
		{uuid.Nil, nil, a, true},
		{a, nil, b, true},
		{c, nil, a, true},
		{a, map[uuid.UUID]int{b: 2}, c, true},
		{b, map[uuid.UUID]int{c: 2, a: 2}, b, true},
		// the last one picked left the team (or went offline): the next one after it in id order
		{uuid.MustParse("00000000-0000-0000-0000-00000000000b"), nil, c, true},
		{uuid.MustParse("00000000-0000-0000-0000-0000000000ff"), nil, a, true},
		{a, map[uuid.UUID]int{a: 2, b: 3, c: 2}, uuid.Nil, false},
	}
	for i, tc := range cases {
		got, ok := nextAgent(agents, tc.last, tc.open, 2)
		if got != tc.want || ok != tc.ok {
			t.Errorf("case %d: got %s %v, want %s %v", i, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := nextAgent(nil, a, nil, 2); ok {
		t.Error("picked an agent among none")
	}
}
