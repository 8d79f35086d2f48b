package english

import "testing"

func TestArticle(t *testing.T) {
	for word, want := range map[string]string{
		"ACCESS EXCLUSIVE": "an ACCESS EXCLUSIVE", "EXCLUSIVE": "an EXCLUSIVE",
		"SHARE": "a SHARE", "ROW EXCLUSIVE": "a ROW EXCLUSIVE", "": "a ",
	} {
		if got := WithArticle(word); got != want {
			t.Errorf("WithArticle(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestJoin(t *testing.T) {
	for want, in := range map[string][]string{"": nil, "a": {"a"}, "a and b": {"a", "b"}, "a, b and c": {"a", "b", "c"}} {
		if got := Join(in); got != want {
			t.Errorf("Join(%v) = %q, want %q", in, got, want)
		}
	}
}
