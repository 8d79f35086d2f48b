package migrations

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionOrder(t *testing.T) {
	cases := []struct{ a, b string }{
		{"V1_2__b.sql", "V1_10__a.sql"},
		{"V1_1__initial.sql", "V1_2__x.sql"},
		{"V1_9__x.sql", "V1_27__y.sql"},
		{"9_x.sql", "10_y.sql"},
		{"20240115180414_init.sql", "20240122014727_v0_6_0.sql"},
		{"001_a.sql", "2_b.sql"},
		{"a.sql", "b.sql"},
	}
	for _, c := range cases {
		if !versionLess(c.a, c.b) || versionLess(c.b, c.a) {
			t.Errorf("want %s before %s", c.a, c.b)
		}
	}
}

func TestFlywayKinds(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"R__views.sql", "V2__b.sql", "U2__b.sql", "V10__c.sql", "V1__a.sql", "R__abc.sql", "Users.sql"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("SELECT 1;"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sets, err := Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range sets[0].Migrations {
		got = append(got, m.Name)
	}
	want := "Users.sql V1__a.sql V2__b.sql V10__c.sql R__abc.sql R__views.sql"
	if strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q (undo migrations left out, repeatable ones last)", strings.Join(got, " "), want)
	}
}
