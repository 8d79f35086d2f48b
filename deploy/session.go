package deploy

import (
	"fmt"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// sessionColumns are the columns of pg_stat_activity (aliased a) a session
// is described by, in the order of session.dest. Without pg_read_all_stats,
// another role's session shows only some of them; the rest are NULL.
const sessionColumns = `a.usename, a.application_name, a.state, now() - a.xact_start, a.query`

// session is another session, as much of it as this role may see.
type session struct {
	pid   int
	user  *string
	app   *string
	state *string
	age   *time.Duration // in its transaction for
	query *string
}

func (s *session) dest() []any { return []any{&s.user, &s.app, &s.state, &s.age, &s.query} }

// String describes the session. Its query text is normalized (constants
// replaced by $1, $2...) so that no literal of another session, such as a
// token in an INSERT, is ever printed or stored; text that cannot be
// normalized (cut short by track_activity_query_size, or hidden) is left out.
func (s *session) String() string {
	var parts []string
	if s.user != nil && *s.user != "" {
		parts = append(parts, "user "+*s.user)
	}
	if s.app != nil && *s.app != "" {
		parts = append(parts, fmt.Sprintf("application %q", *s.app))
	}
	if s.state != nil && *s.state != "" {
		st := *s.state
		if s.age != nil {
			st += fmt.Sprintf(", in its transaction for %s", s.age.Round(time.Millisecond))
		}
		parts = append(parts, st)
	}
	if q := normalizedQuery(s.query); q != "" {
		parts = append(parts, fmt.Sprintf("query %q", q))
	}
	if s.state == nil {
		parts = append(parts, "more is visible only to roles with pg_read_all_stats")
	}
	if len(parts) == 0 {
		return fmt.Sprintf("pid %d", s.pid)
	}
	return fmt.Sprintf("pid %d (%s)", s.pid, strings.Join(parts, ", "))
}

// maxQueryText bounds the query text shown of another session.
const maxQueryText = 200

// normalizedQuery returns query text with its literals replaced, on one
// line, or "" when it cannot be normalized.
func normalizedQuery(q *string) string {
	if q == nil || strings.TrimSpace(*q) == "" {
		return ""
	}
	n, err := pg.Normalize(*q)
	if err != nil {
		return ""
	}
	n = oneLine(n)
	if r := []rune(n); len(r) > maxQueryText {
		n = string(r[:maxQueryText]) + "…"
	}
	return n
}
