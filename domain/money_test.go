package domain

import (
	"encoding/json"
	"testing"
)

func TestParseMoney(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" when refused
	}{
		{"0", "0.00"},
		{"12.5", "12.50"},
		{"12.50", "12.50"},
		{"12.500", "12.50"},
		{"007.10", "7.10"},
		{"99999999.99", "99999999.99"},
		{"100000000", ""},
		{"99999999.991", ""},
		{"1.005", ""},
		{"-1", ""},
		{"+1", ""},
		{"1e3", ""},
		{"1,50", ""},
		{" 1", ""},
		{"", ""},
		{".", ""},
		{"NaN", ""},
		{"abc", ""},
	}
	for _, tc := range cases {
		m, err := ParseMoney(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseMoney(%q) = %s, want an error", tc.in, m)
		case tc.want != "" && (err != nil || m.String() != tc.want):
			t.Errorf("ParseMoney(%q) = %s, %v; want %s", tc.in, m, err, tc.want)
		}
	}
}

func TestMoneyArithmeticIsExact(t *testing.T) {
	total := Money{}
	for i := 0; i < 10; i++ {
		total = total.Plus(MustMoney("0.10"))
	}
	if total.String() != "1.00" || MustMoney("12.50").Times(3).String() != "37.50" {
		t.Fatalf("0.10 × 10 = %s, 12.50 × 3 = %s", total, MustMoney("12.50").Times(3))
	}
	if !MustMoney("99999999.99").Times(2).Exceeds(MaxMoney) || MaxMoney.Exceeds(MaxMoney) {
		t.Fatal("Exceeds is wrong at the maximum")
	}
}

func TestMoneyJSONIsAStringWithTwoDecimals(t *testing.T) {
	b, err := json.Marshal(struct{ Price Money }{MustMoney("3.1")})
	if err != nil || string(b) != `{"Price":"3.10"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var back struct{ Price Money }
	if err := json.Unmarshal(b, &back); err != nil || back.Price.String() != "3.10" {
		t.Fatalf("unmarshal: %s %v", back.Price, err)
	}
	if err := json.Unmarshal([]byte(`{"Price":3.1}`), &back); err == nil {
		t.Fatal("a JSON number was accepted as money")
	}
}
