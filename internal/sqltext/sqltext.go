// Package sqltext writes SQL text that users paste or that migrate-guard
// sends: quoted identifiers and string constants, identifiers cut to
// PostgreSQL's length, and the SET lock_timeout a fix starts with. Rules,
// deploy and drift write SQL through it, so each form has one definition.
package sqltext

import (
	"strings"
	"unicode/utf8"
)

// Ident quotes an identifier: always, so that case and keywords survive.
func Ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Idents quotes each identifier of names.
func Idents(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = Ident(n)
	}
	return out
}

// Literal quotes s as a string constant that reads the same whatever
// standard_conforming_strings says: a backslash makes it an E” constant,
// where the backslash is doubled.
func Literal(s string) string {
	if strings.Contains(s, `\`) {
		return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// MaxIdentifier is NAMEDATALEN - 1, the bytes PostgreSQL keeps of a name.
const MaxIdentifier = 63

// Truncate cuts s to at most n bytes without splitting a character, as
// PostgreSQL's truncate_identifier does at MaxIdentifier.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// TruncateIdentifier is the name PostgreSQL keeps of s.
func TruncateIdentifier(s string) string { return Truncate(s, MaxIdentifier) }

// SetLockTimeout is the statement that bounds lock waits at timeout (a
// PostgreSQL duration such as "5s"): SET LOCAL, which lasts until the
// transaction ends, when local, else a plain SET for the session.
func SetLockTimeout(timeout string, local bool) string {
	set := "SET "
	if local {
		set = "SET LOCAL "
	}
	return set + "lock_timeout = " + Literal(timeout) + ";"
}
