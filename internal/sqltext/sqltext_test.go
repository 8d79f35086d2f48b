package sqltext

import "testing"

func TestLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"plain":        "'plain'",
		"it's":         "'it''s'",
		`a\b 'c'`:      `E'a\\b ''c'''`,
		"":             "''",
		`"public"."t"`: `'"public"."t"'`,
	} {
		if got := Literal(in); got != want {
			t.Errorf("Literal(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTruncateKeepsWholeCharacters(t *testing.T) {
	long := ""
	for len(long) < 62 {
		long += "a"
	}
	long += "é" // bytes 62 and 63: cut before it
	if got := TruncateIdentifier(long); got != long[:62] {
		t.Errorf("TruncateIdentifier cut a character: %q", got)
	}
	if got := TruncateIdentifier("short"); got != "short" {
		t.Errorf("TruncateIdentifier(short) = %q", got)
	}
	if got := Truncate("abcdef", 3); got != "abc" {
		t.Errorf("Truncate = %q", got)
	}
}

func TestIdentsAndLockTimeout(t *testing.T) {
	if got := Idents([]string{"a", `b"c`}); got[0] != `"a"` || got[1] != `"b""c"` {
		t.Errorf("Idents = %v", got)
	}
	if got := SetLockTimeout("2s", true); got != "SET LOCAL lock_timeout = '2s';" {
		t.Errorf("SetLockTimeout local = %s", got)
	}
	if got := SetLockTimeout("2s", false); got != "SET lock_timeout = '2s';" {
		t.Errorf("SetLockTimeout = %s", got)
	}
}
