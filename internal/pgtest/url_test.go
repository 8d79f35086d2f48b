package pgtest

import "testing"

func TestWithDatabase(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u:p%40ss@db:5432/app?sslmode=disable", "postgres://u:p%40ss@db:5432/pgtest_1?sslmode=disable"},
		{"postgresql://localhost", "postgresql://localhost/pgtest_1"},
		{"host=db user=u dbname=app", "host=db user=u dbname=app dbname=pgtest_1"},
	} {
		if got := withDatabase(c.in, "pgtest_1"); got != c.want {
			t.Errorf("withDatabase(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
