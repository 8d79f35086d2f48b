// Package shadow gives a throwaway PostgreSQL database to run migrations on:
// a temporary database on a server the user names, or, without one, a
// throwaway cluster started from the installed PostgreSQL server binaries.
// Either way Close leaves nothing behind.
//
//	db, err := shadow.Open(ctx, shadow.Options{URL: flagValue})
//	if err != nil { ... }
//	defer db.Close()
//	conn, err := pgx.Connect(ctx, db.URL())
package shadow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the environment variable Open reads when Options.URL is empty;
// Prisma uses the same name for its shadow database.
const EnvURL = "SHADOW_DATABASE_URL"

// Options says where the shadow database comes from.
type Options struct {
	// URL is a PostgreSQL URL (or key=value string) of a server where the
	// role may CREATE DATABASE. Its own database must hold no tables: that
	// proves it is not somebody's data. Prisma's extra URL parameters
	// (?schema=, ?connection_limit=, ...) are accepted and dropped. When
	// empty, SHADOW_DATABASE_URL is used; when that is empty too, a
	// throwaway cluster is started.
	URL string
}

// DB is a shadow database. It is empty when Open returns it.
type DB struct {
	url     string
	desc    string
	dropped sync.Once
	cleanup func() error
	err     error
}

// URL is the shadow database's connection string, for pgx.Connect. It may
// hold the password of Options.URL: never print it; print String instead.
func (d *DB) URL() string { return d.url }

// String says where the shadow database is, without any password.
func (d *DB) String() string { return d.desc }

// Close drops the shadow database, or stops the throwaway cluster and
// deletes its files. It disconnects sessions still open on the database, so
// it works even after a failed migration; calling it again does nothing.
func (d *DB) Close() error {
	d.dropped.Do(func() { d.err = d.cleanup() })
	return d.err
}

// errNoShadow is Open's one-line answer when there is nothing to run on.
var errNoShadow = errors.New("no shadow database: pass --shadow-url (or set " + EnvURL +
	") to a PostgreSQL server where migrate-guard may create a temporary database, " +
	"or install the PostgreSQL server binaries (e.g. `apt-get install postgresql`) for a throwaway cluster")

// Open creates a shadow database as opts says.
func Open(ctx context.Context, opts Options) (*DB, error) {
	raw := opts.URL
	if raw == "" {
		raw = os.Getenv(EnvURL)
	}
	if raw != "" {
		return onServer(ctx, raw)
	}
	c, err := StartCluster()
	if errors.Is(err, ErrNoServerBinaries) {
		return nil, errNoShadow
	}
	if err != nil {
		return nil, fmt.Errorf("starting a throwaway PostgreSQL cluster: %w", err)
	}
	db, err := createIn(ctx, c.URL(), "the throwaway cluster in "+c.Dir())
	if err != nil {
		c.Stop()
		return nil, err
	}
	db.cleanup = c.Stop // the database goes with the cluster
	return db, nil
}

// onServer creates the shadow database on the server of raw, after making
// sure raw's own database holds no tables.
func onServer(ctx context.Context, raw string) (*DB, error) {
	server, err := cleanURL(raw)
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(server)
	if err != nil {
		return nil, fmt.Errorf("shadow database URL: %s", redact(err.Error(), raw))
	}
	where := fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("shadow database %s: %s", where, redact(err.Error(), raw))
	}
	table, err := someTable(ctx, conn)
	conn.Close(ctx)
	if err != nil {
		return nil, fmt.Errorf("shadow database %s: %s", where, redact(err.Error(), raw))
	}
	if table != "" {
		return nil, fmt.Errorf("refusing shadow database %s: it holds tables (%s); give the URL of an empty database "+
			"on a server where a temporary database may be created and dropped", where, table)
	}
	return createIn(ctx, server, where)
}

// someTable names a table of the connected database, or returns "".
func someTable(ctx context.Context, conn *pgx.Conn) (string, error) {
	var name string
	err := conn.QueryRow(ctx, `
		SELECT n.nspname || '.' || c.relname
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'm', 'f')
		  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
		ORDER BY 1 LIMIT 1`).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return name, err
}

// createIn creates a uniquely named database on the server of admin (a
// clean connection string) and returns it, to be dropped by Close.
func createIn(ctx context.Context, admin, where string) (*DB, error) {
	suffix := make([]byte, 4)
	rand.Read(suffix)
	name := fmt.Sprintf("migrate_guard_shadow_%d_%s", os.Getpid(), hex.EncodeToString(suffix))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("shadow database %s: %s", where, redact(err.Error(), admin))
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("creating the shadow database on %s (the role needs CREATEDB): %s", where, redact(err.Error(), admin))
	}
	return &DB{
		url:     withDatabase(admin, name),
		desc:    "database " + name + " on " + where,
		cleanup: func() error { return drop(admin, name) },
	}, nil
}

// drop drops a database, disconnecting its sessions first. It gets its own
// context: a cancelled run must still clean up.
func drop(admin, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("dropping shadow database %s: %s", name, redact(err.Error(), admin))
	}
	defer conn.Close(ctx)
	sql := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	if v, _ := strconv.Atoi(conn.PgConn().ParameterStatus("server_version_num")); v >= 130000 {
		sql += " WITH (FORCE)"
	} else if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
		return fmt.Errorf("dropping shadow database %s: %w", name, err)
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("dropping shadow database %s: %w", name, err)
	}
	return nil
}

// prismaParams are URL parameters only Prisma understands; passed to the
// server they would become unknown settings. (deploy.ParseURL drops the same.)
var prismaParams = []string{
	"schema", "connection_limit", "pool_timeout", "socket_timeout", "pgbouncer",
	"statement_cache_size", "sslaccept", "sslidentity", "connect_timeout_prisma",
}

// cleanURL drops Prisma's parameters from a URL; key=value strings are kept.
func cleanURL(raw string) (string, error) {
	if !isURL(raw) {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes its input, password included: say what to check instead.
		return "", errors.New("shadow database URL is not a valid URL: percent-encode characters such as @ : / # ? in the user name and password")
	}
	q := u.Query()
	for _, p := range prismaParams {
		q.Del(p)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// withDatabase points a URL or key=value connection string at another
// database.
func withDatabase(conn, name string) string {
	if isURL(conn) {
		if u, err := url.Parse(conn); err == nil {
			u.Path, u.RawPath = "/"+name, ""
			return u.String()
		}
	}
	return conn + " dbname=" + name // a later keyword overrides an earlier one
}

// redact removes the password of raw from an error message: some errors
// quote the connection string.
func redact(msg, raw string) string {
	pw := ""
	if isURL(raw) {
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			pw, _ = u.User.Password()
		}
	} else if cfg, err := pgx.ParseConfig(raw); err == nil {
		pw = cfg.Password
	}
	if pw == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, pw, "xxxxx")
	return strings.ReplaceAll(msg, url.QueryEscape(pw), "xxxxx")
}
