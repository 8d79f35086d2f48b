package drift

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/deploy"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/shadow"
)

// Options configures a drift check.
type Options struct {
	Dir         string // the Prisma migrations directory
	DatabaseURL string // the database checked
	// ShadowURL is a server where a temporary database may be created and
	// dropped to replay the history on; empty means $SHADOW_DATABASE_URL,
	// else a throwaway cluster from the installed server binaries (package
	// shadow).
	ShadowURL string
	// Comments compares comments too; by default they are not drift.
	Comments bool
	// Exclude names tables (schema.table) left out of the comparison.
	Exclude map[string]bool
	// Out receives progress lines.
	Out io.Writer
}

// Report is the outcome of a drift check.
type Report struct {
	Target  string   `json:"target"` // user@host:port/db, never the password
	Schemas []string `json:"schemas"`
	Applied int      `json:"applied"` // migrations recorded as applied
	// MissingFromDisk are applied migrations not in the directory: what they
	// did is not in the expected schema, so differences may be theirs.
	MissingFromDisk []string     `json:"missing_from_disk,omitempty"`
	Drift           []Difference `json:"drift"`

	db, hist *Schema
	pending  []string // migrations on disk not applied to the database
}

// Clean reports a database that matches its history.
func (r *Report) Clean() bool { return len(r.Drift) == 0 }

// UnknownError is a check that could not tell: no connection, no shadow
// database, a history that does not replay.
type UnknownError struct{ Err error }

func (e *UnknownError) Error() string {
	return "cannot tell whether the database drifted: " + e.Err.Error()
}
func (e *UnknownError) Unwrap() error { return e.Err }

func unknown(err error) error {
	var u *UnknownError
	if err == nil || errors.As(err, &u) {
		return err
	}
	return &UnknownError{err}
}

// Check compares the database with the schema its applied migrations build
// on a shadow database, which it drops before returning, on every path.
func Check(ctx context.Context, opts *Options) (*Report, error) {
	rep, err := check(ctx, opts)
	return rep, unknown(err)
}

func check(ctx context.Context, opts *Options) (*Report, error) {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	target, err := deploy.ParseURL(opts.DatabaseURL)
	if err != nil {
		return nil, err
	}
	rep := &Report{Target: target.String()}
	names, err := deploy.AppliedNames(ctx, opts.DatabaseURL)
	if err != nil {
		return nil, err
	}
	local, err := loadLocal(opts.Dir)
	if err != nil {
		return nil, err
	}
	replay, missing := inOrder(names, local)
	rep.Applied, rep.MissingFromDisk = len(names), missing
	rep.pending = pendingOf(local, names)
	shadowURL, drop, err := newShadow(ctx, opts.ShadowURL, target.Schema)
	if err != nil {
		return nil, err
	}
	defer drop()
	fmt.Fprintf(out, "replaying %d applied migrations on a shadow database\n", len(replay))
	ro := deploy.DefaultOptions()
	ro.Dir, ro.DatabaseURL, ro.Warn = opts.Dir, shadowURL, func(string, string) {}
	if err := deploy.Replay(ctx, ro, replay); err != nil {
		return nil, fmt.Errorf("replaying the history on the shadow database: %w", err)
	}
	hconn, err := connectTo(ctx, shadowURL, "the shadow database")
	if err != nil {
		return nil, err
	}
	defer hconn.Close(context.Background())
	tconn, err := connectTo(ctx, opts.DatabaseURL, target.String())
	if err != nil {
		return nil, err
	}
	defer tconn.Close(context.Background())
	if rep.Schemas, err = historySchemas(ctx, hconn, target.Schema); err != nil {
		return nil, err
	}
	iopts := IntrospectOptions{Schemas: rep.Schemas, Comments: opts.Comments, Exclude: opts.Exclude}
	if rep.hist, err = Introspect(ctx, hconn, iopts); err != nil {
		return nil, err
	}
	if rep.db, err = Introspect(ctx, tconn, iopts); err != nil {
		return nil, err
	}
	rep.Drift = Compare(rep.db, rep.hist)
	if rep.Drift == nil {
		rep.Drift = []Difference{}
	}
	return rep, nil
}

// inOrder returns the local migrations of names in that order, and the
// names not on disk.
func inOrder(names []string, local []*migrations.Migration) (found []*migrations.Migration, missing []string) {
	byName := map[string]*migrations.Migration{}
	for _, m := range local {
		byName[m.Name] = m
	}
	for _, n := range names {
		if m := byName[n]; m != nil {
			found = append(found, m)
		} else {
			missing = append(missing, n)
		}
	}
	return found, missing
}

func loadLocal(dir string) ([]*migrations.Migration, error) { return deploy.LoadDir(dir) }

// pendingOf returns the local migrations not applied.
func pendingOf(local []*migrations.Migration, applied []string) []string {
	done := map[string]bool{}
	for _, n := range applied {
		done[n] = true
	}
	var out []string
	for _, m := range local {
		if !done[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out
}

// historySchemas are the schemas the history touches: the URL's, and every
// other one that holds objects after the replay.
func historySchemas(ctx context.Context, conn *pgx.Conn, main string) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT n.nspname FROM pg_namespace n
		WHERE n.nspname = $1 OR (n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
			AND (EXISTS (SELECT FROM pg_class c WHERE c.relnamespace = n.oid) OR EXISTS (SELECT FROM pg_proc p WHERE p.pronamespace = n.oid)
				OR EXISTS (SELECT FROM pg_type t WHERE t.typnamespace = n.oid)))
		ORDER BY n.nspname = $1 DESC, n.nspname`, main)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// connectTo connects, naming the database by desc in errors, which never
// hold the password.
func connectTo(ctx context.Context, raw, desc string) (*pgx.Conn, error) {
	t, err := deploy.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, t.Config)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", desc, err)
	}
	return conn, nil
}

// newShadow opens an empty shadow database (see package shadow) and
// returns its URL with the target's schema, and the function that drops it.
func newShadow(ctx context.Context, shadowURL, schema string) (string, func(), error) {
	db, err := shadow.Open(ctx, shadow.Options{URL: shadowURL})
	if err != nil {
		return "", nil, err
	}
	u, err := withSchema(db.URL(), schema)
	if err != nil {
		_ = db.Close()
		return "", nil, err
	}
	return u, func() { _ = db.Close() }, nil
}

// withSchema adds Prisma's ?schema= to the shadow database's URL, so that
// the replay uses the target's schema.
func withSchema(raw, schema string) (string, error) {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", errors.New("the shadow database URL is not a valid URL")
		}
		q := u.Query()
		q.Set("schema", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	if schema != "public" {
		return "", fmt.Errorf("the target uses schema %q: give the shadow database as a postgres:// URL so the replay can use it", schema)
	}
	return raw, nil
}
