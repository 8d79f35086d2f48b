package linttest

import (
	"reflect"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

func TestParseWants(t *testing.T) {
	src := "SELECT '-- want \"not-a-want\"'; -- want \"a\" \"b\"\n/* want \"c\" */\nSELECT 1; -- wanted\n\nDROP TABLE x; -- want \"a\"\n"
	got := parseWants(t, "m.sql", []byte(src))
	want := []expectation{{"m.sql", 1, "a"}, {"m.sql", 1, "b"}, {"m.sql", 5, "a"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseWants = %v, want %v", got, want)
	}
}

func TestMismatches(t *testing.T) {
	wants := []expectation{{"m.sql", 2, "drop-column"}, {"m.sql", 4, "drop-table"}, {"m.sql", 4, "drop-table"}}
	found := []lint.Finding{
		{File: "m.sql", Line: 3, Column: 1, Rule: "drop-column", Message: "m1"}, // one line too low
		{File: "m.sql", Line: 4, Column: 1, Rule: "drop-table", Message: "m2"},  // one of the two
	}
	got := mismatches(wants, found)
	want := []string{
		"m.sql:2: want drop-column: no such finding starts on this line",
		"m.sql:4: want drop-table: no such finding starts on this line",
		"m.sql:3:1: unexpected drop-column: m1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mismatches =\n%q\nwant\n%q", got, want)
	}
	if got := mismatches(wants[:1], []lint.Finding{{File: "./m.sql", Line: 2, Rule: "drop-column"}}); len(got) != 0 {
		t.Errorf("a matched finding is reported: %q", got)
	}
}
