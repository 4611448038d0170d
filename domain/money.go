package domain

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"
)

// Money is an exact amount with two decimal places, as PostgreSQL stores numeric(10,2). It is never a float:
// in JSON it is a string ("12.50"), in SQL it travels as text.
type Money struct {
	d decimal.Decimal
}

// MaxMoney is the largest amount numeric(10,2) holds.
var MaxMoney = Money{d: decimal.RequireFromString("99999999.99")}

// moneyRule is what a client is told when an amount is refused.
const moneyRule = `must be a decimal string from "0" to "99999999.99" with at most 2 decimal places, like "12.50"`

// ParseMoney reads an amount as a client sends it: plain decimal notation, not negative, at most two
// decimal places, at most MaxMoney. The error is the message for the client.
func ParseMoney(s string) (Money, error) {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return Money{}, fmt.Errorf("%s", moneyRule)
		}
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.IsNegative() || !d.Equal(d.Round(2)) || d.GreaterThan(MaxMoney.d) {
		return Money{}, fmt.Errorf("%s", moneyRule)
	}
	return Money{d: d.Round(2)}, nil
}

// CheckMoney validates an optional amount field and returns its problem, if any.
func CheckMoney(field string, s *string) []FieldError {
	if s == nil {
		return nil
	}
	if _, err := ParseMoney(*s); err != nil {
		return []FieldError{{Field: field, Message: err.Error()}}
	}
	return nil
}

// MustMoney parses a trusted amount and panics when it is not one; for constants and tests.
func MustMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Times multiplies the amount by a quantity.
func (m Money) Times(n int) Money { return Money{d: m.d.Mul(decimal.NewFromInt(int64(n)))} }

// Plus adds two amounts.
func (m Money) Plus(o Money) Money { return Money{d: m.d.Add(o.d)} }

// Exceeds reports whether m is larger than o.
func (m Money) Exceeds(o Money) bool { return m.d.GreaterThan(o.d) }

// String is the amount with exactly two decimal places.
func (m Money) String() string { return m.d.StringFixed(2) }

// MarshalJSON writes the amount as a JSON string with two decimal places.
func (m Money) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON reads an amount written by MarshalJSON (replies crossing the cluster).
func (m *Money) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return err
	}
	m.d = d
	return nil
}

// Scan reads a numeric column (sql.Scanner).
func (m *Money) Scan(src any) error { return m.d.Scan(src) }

// Value writes the amount as text for a numeric parameter (driver.Valuer).
func (m Money) Value() (driver.Value, error) { return m.String(), nil }
