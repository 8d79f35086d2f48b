package linttest

import "testing"

func TestDiff(t *testing.T) {
	cases := []struct{ name, want, got, diff string }{
		{"changed line", "a\nb\nc\n", "a\nB\nc\n", "  a\n- b\n+ B\n  c\n"},
		{"far apart", "1\n2\n3\n4\n5\n6\n7\n8\n", "0\n2\n3\n4\n5\n6\n7\n9\n",
			"- 1\n+ 0\n  2\n  3\n  ...\n  6\n  7\n- 8\n+ 9\n"},
		{"missing newline", "a\n", "a", "- a\n+ a\n\\ no newline at end\n"},
		{"added", "", "x\n", "+ x\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Diff(c.want, c.got); got != c.diff {
				t.Errorf("Diff:\n%s\nwant:\n%s", got, c.diff)
			}
		})
	}
}
