package bench

import (
	"bytes"
	"testing"

	"github.com/google/pprof/profile"
)

// TestLoadShareCountsLabelledSamples: the load generators' share is the CPU time of samples labelled
// bench=load over all samples' CPU time; an unreadable or empty profile gives -1.
func TestLoadShareCountsLabelledSamples(t *testing.T) {
	fn := &profile.Function{ID: 1, Name: "f"}
	loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn}}}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		Function:   []*profile.Function{fn},
		Location:   []*profile.Location{loc},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{loc}, Value: []int64{1, 10_000_000}, Label: map[string][]string{"bench": {"load"}}},
			{Location: []*profile.Location{loc}, Value: []int64{2, 20_000_000}},
			{Location: []*profile.Location{loc}, Value: []int64{1, 10_000_000}, Label: map[string][]string{"bench": {"other"}}},
		},
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got := loadShare(buf.Bytes()); got != 0.25 {
		t.Fatalf("load share %v, want 0.25", got)
	}
	if got := loadShare([]byte("not a profile")); got != -1 {
		t.Fatalf("unreadable profile: %v, want -1", got)
	}
	p.Sample = nil
	buf.Reset()
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got := loadShare(buf.Bytes()); got != -1 {
		t.Fatalf("empty profile: %v, want -1", got)
	}
}
