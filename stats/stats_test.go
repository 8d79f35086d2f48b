package stats

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
)

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, want string
	}{
		{"wrong-version", `{"version":2,"tables":[]}`, "stats file version 2 is not supported"},
		{"no-version", `{"tables":[]}`, `not a stats file: no "version"`},
		{"malformed", "{\"version\":1,\n\"tables\":[{\"schema\":\"public\",\"name\":\"A\",\"rows\":\"many\"}]}", "malformed stats file: line 2"},
		{"not-json", "rows: 5\n", "not a stats file: line 1"},
		{"unknown-field", `{"version":1,"tables":[],"rowz":1}`, `unknown field "rowz"`},
		{"negative", `{"version":1,"tables":[{"schema":"public","name":"A","rows":-5}]}`, "table 1 has no schema or name, or a negative size"},
		{"bad-rate", `{"version":1,"tables":[],"throughputs":{"rewrite":{"bytes_per_second":-1}}}`, "negative or infinite rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".json")
			if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, p+": ") || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error = %q, want one line naming the file and saying %q", msg, c.want)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "no such stats file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestEstimate(t *testing.T) {
	small := &Table{Rows: 1000, HeapBytes: 100 << 10}
	big := &Table{Rows: 50_000_000, HeapBytes: 5 << 30, Indexes: []Index{{Unique: true}, {}, {}}}
	d := Defaults()
	for op := analysis.Rewrite; op <= analysis.NotNullScan; op++ {
		slo, shi := Estimate(d, op, small, nil)
		blo, bhi := Estimate(d, op, big, nil)
		if !(slo < shi && shi < 0.5 && blo > 100*shi && bhi/blo <= 4.0001 && shi/slo <= 4.0001) {
			t.Errorf("%s: small [%g, %g], big [%g, %g]", op, slo, shi, blo, bhi)
		}
	}
	// A rewrite rebuilds every index: three indexes cost more than none.
	bare := *big
	bare.Indexes = nil
	if lo, _ := Estimate(d, analysis.Rewrite, &bare, nil); lo >= func() float64 { l, _ := Estimate(d, analysis.Rewrite, big, nil); return l }() {
		t.Error("indexes do not add to a rewrite")
	}
	// A foreign key's validation also reads the referenced table.
	nofk, _ := Estimate(d, analysis.ForeignKeyScan, small, nil)
	fk, _ := Estimate(d, analysis.ForeignKeyScan, small, big)
	if fk <= nofk {
		t.Error("the referenced table does not add to a FOREIGN KEY validation")
	}
}

func TestFormat(t *testing.T) {
	tb := &Table{Rows: 48_200_000, TotalBytes: 13314398618, Indexes: make([]Index, 3)}
	if got, want := tb.Describe(), "48.2 M rows, 12.4 GB, 3 indexes"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0.0004, 0.0016, "0.4–1.6 ms"},
		{0.2, 0.8, "0.2–0.8 s"},
		{40, 160, "0.67–2.67 min"},
		{10, 210, "10 s–3.5 min"},
		{150, 600, "2.5–10 min"},
		{9000, 36000, "2.5–10 h"},
	} {
		if got := FormatRange(c.lo, c.hi); got != c.want {
			t.Errorf("FormatRange(%g, %g) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	for n, want := range map[int64]string{950: "950", 12_500: "12.5 k", 1_000_000: "1 M", 2_500_000_000: "2.5 G"} {
		if got := FormatCount(n); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestCopyRate: the page copy of SET TABLESPACE uses the file's copy rate,
// the built-in one when the file has none (calibrate does not measure it),
// and a negative one is refused.
func TestCopyRate(t *testing.T) {
	r := Defaults()
	r.Copy = nil
	heap := &Table{HeapBytes: 450e6, Rows: 1e6}
	if lo, hi := Estimate(r, analysis.Copy, heap, nil); math.Abs(math.Sqrt(lo*hi)-1.001) > 1e-9 {
		t.Errorf("without a copy rate: [%g, %g], want around 1.001 s (450 MB at 450 MB/s + 1 ms)", lo, hi)
	}
	r.Copy = &Rate{BytesPerSecond: 45e6}
	if lo, hi := Estimate(r, analysis.Copy, heap, nil); math.Abs(math.Sqrt(lo*hi)-10) > 1e-9 {
		t.Errorf("with the file's copy rate: [%g, %g], want around 10 s", lo, hi)
	}
	if err := r.check(); err != nil {
		t.Errorf("valid rates: %v", err)
	}
	r.Copy = &Rate{BytesPerSecond: -1}
	if err := r.check(); err == nil || !strings.Contains(err.Error(), "page copy has a negative") {
		t.Errorf("negative copy rate: %v", err)
	}
}
