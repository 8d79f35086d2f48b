package migrations

import "testing"

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
