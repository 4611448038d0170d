package sessions

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestVerifyCall(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"a":1}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	strict := SignaturePolicy{Tolerance: 5 * time.Minute}
	legacy := SignaturePolicy{Tolerance: 5 * time.Minute, AllowUntimed: true}
	cases := []struct {
		name         string
		secrets      []string
		sig, ts      string
		policy       SignaturePolicy
		want         error
		timeOfVerify time.Time
	}{
		{"timed", []string{"s"}, SignTimed("s", now.Unix(), body), ts, strict, nil, now},
		{"the previous secret during its grace", []string{"new", "s"}, SignTimed("s", now.Unix(), body), ts, strict, nil, now},
		{"wrong secret", []string{"other"}, SignTimed("s", now.Unix(), body), ts, strict, ErrSignatureMismatch, now},
		{"timestamp changed after signing", []string{"s"}, SignTimed("s", now.Unix()-1, body), ts, strict, ErrSignatureMismatch, now},
		{"4 min old", []string{"s"}, SignTimed("s", now.Unix(), body), ts, strict, nil, now.Add(4 * time.Minute)},
		{"6 min old", []string{"s"}, SignTimed("s", now.Unix(), body), ts, strict, ErrTimestampStale, now.Add(6 * time.Minute)},
		{"6 min ahead", []string{"s"}, SignTimed("s", now.Unix(), body), ts, strict, ErrTimestampStale, now.Add(-6 * time.Minute)},
		{"no timestamp", []string{"s"}, Sign("s", body), "", strict, ErrTimestampMissing, now},
		{"no timestamp, legacy allowed", []string{"s"}, Sign("s", body), "", legacy, nil, now},
		{"no timestamp, legacy, wrong secret", []string{"x"}, Sign("s", body), "", legacy, ErrSignatureMismatch, now},
		{"malformed timestamp", []string{"s"}, SignTimed("s", now.Unix(), body), "1.5", strict, ErrTimestampMalformed, now},
		{"no signature", []string{"s"}, "", ts, strict, ErrSignatureMissing, now},
		{"empty secret never verifies", []string{""}, SignTimed("", now.Unix(), body), ts, strict, ErrSignatureMismatch, now},
	}
	for _, tc := range cases {
		if err := VerifyCall(tc.secrets, body, tc.sig, tc.ts, tc.timeOfVerify, tc.policy); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
