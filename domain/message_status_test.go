package domain

import "testing"

func TestOutboundStatusesNeverMoveBackwards(t *testing.T) {
	order := []MessageStatus{StatusPending, StatusSent, StatusDelivered, StatusRead}
	for i, from := range order {
		for j, to := range order {
			if got := from.CanMoveTo(to); got != (j > i) {
				t.Errorf("%s → %s: %v", from, to, got)
			}
		}
	}
	cases := []struct {
		from, to MessageStatus
		ok       bool
	}{
		{StatusPending, StatusFailed, true},    // the session gave up
		{StatusFailed, StatusDelivered, true},  // a receipt says it got there after all
		{StatusFailed, StatusSent, false},      // a late report does not undo the failure
		{StatusSent, StatusFailed, false},      // nor a failure a success
		{StatusDelivered, StatusFailed, false}, // nothing moves backwards
		{StatusRead, StatusRead, false},        // a repeat changes nothing
		{StatusReceived, StatusRead, false},    // inbound messages are not in the machine
		{StatusPending, StatusReceived, false}, // and nothing becomes RECEIVED
		{StatusPending, StatusPending, false},
	}
	for _, c := range cases {
		if got := c.from.CanMoveTo(c.to); got != c.ok {
			t.Errorf("%s → %s: %v, want %v", c.from, c.to, got, c.ok)
		}
	}
	for _, s := range ReceiptStatuses.Values() {
		if !StatusSent.CanMoveTo(s) {
			t.Errorf("a receipt %s cannot move a SENT message", s)
		}
	}
}
