package domain

import "testing"

func TestOrderLifecycle(t *testing.T) {
	allowed := map[[2]string]bool{
		{OrderPending, OrderProcessing}:   true,
		{OrderPending, OrderCancelled}:    true,
		{OrderProcessing, OrderShipped}:   true,
		{OrderProcessing, OrderCancelled}: true,
		{OrderShipped, OrderDelivered}:    true,
		{OrderShipped, OrderRefunded}:     true,
		{OrderDelivered, OrderRefunded}:   true,
	}
	for _, from := range OrderStatuses.Values() {
		for _, to := range OrderStatuses.Values() {
			want := from == to || allowed[[2]string{from, to}]
			if got := OrderTransitionAllowed(from, to); got != want {
				t.Errorf("%s → %s allowed = %v, want %v", from, to, got, want)
			}
		}
	}
	if len(NextOrderStatuses(OrderCancelled)) != 0 || len(NextOrderStatuses(OrderRefunded)) != 0 {
		t.Error("CANCELLED and REFUNDED must be final")
	}
}
