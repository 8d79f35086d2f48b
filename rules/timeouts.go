package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// Helpers shared by the timeout rules (require-lock-timeout,
// lock-timeout-value, set-local-outside-transaction): PostgreSQL's reading
// of a time setting, and which SET lock_timeout of a file is in effect at
// each statement.

// timeUnits are the units PostgreSQL accepts for a time setting whose base
// unit is the millisecond (guc.c, memory_unit_conversion_table's time
// counterpart), largest first. Units are case-sensitive.
var timeUnits = []struct {
	name string
	ms   float64
}{{"d", 24 * 60 * 60 * 1000}, {"h", 60 * 60 * 1000}, {"min", 60 * 1000}, {"s", 1000}, {"ms", 1}, {"us", 0.001}}

// ParseTimeout reads a value of lock_timeout or statement_timeout as
// PostgreSQL's parse_int does: a number (decimal, or C-style hex and octal
// integers), optional white space, and an optional unit (d, h, min, s, ms,
// us); a plain number is milliseconds. A fraction is rounded to the next
// smaller unit, then to whole milliseconds. ok is false for what PostgreSQL
// rejects, including values outside 0 to 2147483647 ms.
func ParseTimeout(s string) (d time.Duration, ok bool) {
	v, rest, ok := parseNumber(strings.TrimLeft(s, " \t\n\r\f\v"))
	if !ok {
		return 0, false
	}
	if unit := strings.TrimSpace(rest); unit != "" {
		if v, ok = inMilliseconds(v, unit); !ok {
			return 0, false
		}
	}
	v = math.RoundToEven(v)
	if v < 0 || v > math.MaxInt32 {
		return 0, false
	}
	return time.Duration(v) * time.Millisecond, true
}

// parseNumber reads the number at the start of s as strtol (base 0), or
// strtod when a fraction or an exponent follows, and returns what is left.
func parseNumber(s string) (float64, string, bool) {
	sign, body := "", s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		sign, body = body[:1], body[1:]
	}
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') && isHex(body[2]) {
		n := 2
		for n < len(body) && isHex(body[n]) {
			n++
		}
		if n < len(body) && body[n] == '.' {
			return 0, "", false // a hexadecimal fraction: not worth modelling
		}
		v, err := strconv.ParseInt(sign+body[2:n], 16, 64)
		return float64(v), body[n:], err == nil
	}
	n := 0
	for n < len(body) && isDigit(body[n]) {
		n++
	}
	if n < len(body) && (body[n] == '.' || body[n] == 'e' || body[n] == 'E') {
		return parseFloat(sign, body)
	}
	if n == 0 {
		return 0, "", false
	}
	digits := body[:n]
	if len(digits) > 1 && digits[0] == '0' { // strtol reads a leading 0 as octal, up to the first 8 or 9
		m := 1
		for m < len(digits) && digits[m] <= '7' {
			m++
		}
		v, err := strconv.ParseInt(sign+digits[:m], 8, 64)
		return float64(v), body[m:], err == nil
	}
	v, err := strconv.ParseFloat(sign+digits, 64)
	return v, body[n:], err == nil
}

// parseFloat reads digits, a fraction and an exponent, as strtod does.
func parseFloat(sign, body string) (float64, string, bool) {
	n := 0
	for n < len(body) && isDigit(body[n]) {
		n++
	}
	intDigits := n
	if n < len(body) && body[n] == '.' {
		n++
		for n < len(body) && isDigit(body[n]) {
			n++
		}
	}
	if intDigits == 0 && n <= 1 {
		return 0, "", false // "." or "e5": no digits at all
	}
	if n < len(body) && (body[n] == 'e' || body[n] == 'E') {
		m := n + 1
		if m < len(body) && (body[m] == '+' || body[m] == '-') {
			m++
		}
		if m < len(body) && isDigit(body[m]) {
			for m < len(body) && isDigit(body[m]) {
				m++
			}
			n = m
		}
	}
	v, err := strconv.ParseFloat(sign+body[:n], 64)
	return v, body[n:], err == nil && !math.IsInf(v, 0)
}

// inMilliseconds converts v in unit to milliseconds, rounding a fraction to
// the next smaller unit as PostgreSQL's convert_to_base_unit does.
func inMilliseconds(v float64, unit string) (float64, bool) {
	for i, u := range timeUnits {
		if u.name != unit {
			continue
		}
		ms := v * u.ms
		if i+1 < len(timeUnits) {
			next := timeUnits[i+1].ms
			ms = math.RoundToEven(ms/next) * next
		}
		return ms, true
	}
	return 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// formatTimeout writes a duration as PostgreSQL's SHOW does: in the largest
// unit that divides it.
func formatTimeout(d time.Duration) string {
	ms := d.Milliseconds()
	if ms == 0 {
		return "0"
	}
	for _, u := range timeUnits[:5] {
		if n := int64(u.ms); ms%n == 0 {
			return fmt.Sprintf("%d%s", ms/n, u.name)
		}
	}
	return fmt.Sprintf("%dms", ms)
}

// setValue returns the value a `SET name = value` statement gives a time
// setting, and false when the statement sets something else, resets it, or
// gives a value PostgreSQL rejects.
func setValue(v *pg.VariableSetStmt, name string) (time.Duration, bool) {
	if v == nil || v.Kind != pg.VariableSetKind_VAR_SET_VALUE || v.Name != name || len(v.Args) != 1 {
		return 0, false
	}
	c := v.Args[0].GetAConst()
	switch {
	case c == nil:
		return 0, false
	case c.GetIval() != nil:
		return ParseTimeout(strconv.Itoa(int(c.GetIval().Ival)))
	case c.GetFval() != nil:
		return ParseTimeout(c.GetFval().Fval)
	case c.GetSval() != nil:
		return ParseTimeout(c.GetSval().Sval)
	}
	return 0, false
}

// lockTimeoutSetResult tells, for each statement of the file, whether a SET
// lock_timeout earlier in the file is in effect when it runs: a plain (or
// SESSION) SET lasts for the session, SET LOCAL until its transaction ends,
// and SET LOCAL outside a transaction block does nothing. RESET, SET ... TO
// DEFAULT and RESET ALL undo them. Any value counts here, 0 included:
// lock-timeout-value judges the values.
var lockTimeoutSetResult = analysis.NewResult("lock_timeout in effect at each statement", func(p *analysis.Pass) []bool {
	out := make([]bool, len(p.File.Stmts))
	session, localTx := false, -1
	for i, s := range p.File.Stmts {
		tx := p.Tx[i]
		out[i] = session || tx.InTx && localTx == tx.ID
		v := s.Node.GetVariableSetStmt()
		if v == nil || v.IsLocal && !tx.InTx {
			continue
		}
		switch {
		case v.Kind == pg.VariableSetKind_VAR_RESET_ALL:
			session, localTx = false, -1
		case v.Name != "lock_timeout":
		case v.Kind == pg.VariableSetKind_VAR_SET_VALUE && v.IsLocal:
			localTx = tx.ID
		case v.Kind == pg.VariableSetKind_VAR_SET_VALUE:
			session = true
		case v.Kind == pg.VariableSetKind_VAR_SET_DEFAULT, v.Kind == pg.VariableSetKind_VAR_RESET:
			session, localTx = false, -1
		}
	}
	return out
})
