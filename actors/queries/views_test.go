package queries

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// TestViewsShowWhatRowsShowed checks every row-to-view conversion: the view of a row must encode exactly
// as the row itself did when rows were what clients saw (same names, same omitted fields, same values), for
// a row whose every field holds a different value (so a field copied into another's place shows) and for a
// zero row (nulls and omitted fields). A field added to a row fails here until its view has it too, or the
// view leaves it out on purpose (then give the row's field json:"-").
func TestViewsShowWhatRowsShowed(t *testing.T) {
	cases := []struct {
		name string
		row  any
		view func(any) any
	}{
		{"Message", persistence.Message{}, func(r any) any { return MessageView(r.(persistence.Message)) }},
		{"Conversation", persistence.Conversation{}, func(r any) any { return ConversationView(r.(persistence.Conversation)) }},
		{"Chat", persistence.Chat{}, func(r any) any { return ChatView(r.(persistence.Chat)) }},
		{"Customer", persistence.Customer{}, func(r any) any { return CustomerView(r.(persistence.Customer)) }},
		{"Order", persistence.Order{}, func(r any) any { return OrderView(r.(persistence.Order)) }},
		{"OrderItem", persistence.OrderItem{}, func(r any) any { return OrderItemView(r.(persistence.OrderItem)) }},
		{"Product", persistence.Product{}, func(r any) any { return ProductView(r.(persistence.Product)) }},
		{"Label", persistence.Label{}, func(r any) any { return LabelView(r.(persistence.Label)) }},
		{"LabelRefs", []persistence.LabelRef{}, func(r any) any { return LabelRefViews(r.([]persistence.LabelRef)) }},
		{"Messages", []persistence.Message{}, func(r any) any { return MessageViews(r.([]persistence.Message)) }},
		{"CannedReply", persistence.CannedReply{}, func(r any) any { return CannedReplyView(r.(persistence.CannedReply)) }},
		{"Settings", persistence.Settings{}, func(r any) any { return SettingsView(r.(persistence.Settings)) }},
		{"Channel", persistence.Channel{}, func(r any) any { return ChannelView(r.(persistence.Channel)) }},
		{"Webhook", persistence.Webhook{}, func(r any) any { return WebhookView(r.(persistence.Webhook)) }},
		{"WebhookDelivery", persistence.WebhookDelivery{}, func(r any) any { return WebhookDeliveryView(r.(persistence.WebhookDelivery)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			zero := reflect.New(reflect.TypeOf(c.row)).Elem()
			full := reflect.New(reflect.TypeOf(c.row)).Elem()
			n := 0
			fill(t, full, &n)
			if n < 2 {
				t.Fatalf("filled %d values: the filler missed the row's fields", n)
			}
			for _, row := range []reflect.Value{zero, full} {
				want, err := json.Marshal(row.Interface())
				if err != nil {
					t.Fatal(err)
				}
				got, err := json.Marshal(c.view(row.Interface()))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Errorf("the view shows\n%s\nthe row showed\n%s", got, want)
				}
			}
		})
	}
}

// fill gives every field reachable from v a value of its own (n counts them).
func fill(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch v.Type() {
	case reflect.TypeOf(time.Time{}):
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, *n, 0, time.UTC)))
		return
	case reflect.TypeOf(domain.Money{}):
		v.Set(reflect.ValueOf(domain.MustMoney(fmt.Sprintf("%d.25", *n))))
		return
	case reflect.TypeOf(uuid.UUID{}):
		v.Set(reflect.ValueOf(uuid.NewSHA1(uuid.Nil, []byte{byte(*n)})))
		return
	case reflect.TypeOf(json.RawMessage{}):
		v.Set(reflect.ValueOf(json.RawMessage(fmt.Sprintf(`{"n":%d}`, *n))))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				t.Fatalf("%s has unexported fields: teach fill about it", v.Type())
			}
			fill(t, v.Field(i), n)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(t, v.Index(0), n)
		fill(t, v.Index(1), n)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	default:
		t.Fatalf("fill does not know %s", v.Type())
	}
}
