// Package pgtest gives tests a real PostgreSQL server.
//
// When TEST_DATABASE_URL is set, tests use that server (the role needs
// CREATEDB). Otherwise the first test that asks for a database starts a
// throwaway cluster from the installed server binaries (initdb and pg_ctl,
// looked up in PATH, then in /usr/lib/postgresql/*/bin; see
// shadow.StartCluster, which the product uses too), and Main stops it
// once the package's tests are done. Every test gets its own empty database,
// so tests may run in parallel.
//
// A package opts in with
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// Without a server, tests that ask for one fail, saying how to get one: a
// test suite that silently skips its database tests proves nothing.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/shadow"
)

// EnvURL names the environment variable that points tests at an existing
// server instead of a throwaway cluster.
const EnvURL = "TEST_DATABASE_URL"

var errNoServer = errors.New("no PostgreSQL server for the tests: install the PostgreSQL server " +
	"binaries (initdb and pg_ctl, e.g. `apt-get install postgresql`) or set " + EnvURL +
	" to the URL of a server where the role may CREATE DATABASE")

var (
	mainCalled bool
	once       sync.Once
	srv        *server
	srvErr     error
	seq        atomic.Int64
)

// server is where test databases are created.
type server struct {
	url  string       // the maintenance database, as a URL or key=value string
	desc string       // where the server comes from, for errors
	stop func() error // nil for a server the tests did not start
}

// Main runs the tests of a package and then stops the throwaway cluster, if
// one was started. Call it from TestMain and pass its result to os.Exit.
func Main(m *testing.M) int {
	mainCalled = true
	code := m.Run()
	if srv != nil && srv.stop != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// NewDatabase creates a fresh empty database and returns its URL. The
// database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	s := theServer(t)
	name := fmt.Sprintf("pgtest_%d_%d", os.Getpid(), seq.Add(1))
	ctx := ctxFor(t)
	admin, err := pgx.Connect(ctx, s.url)
	if err != nil {
		t.Fatalf("pgtest: connecting to %s: %v", s.desc, err)
	}
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	admin.Close(ctx)
	if err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() { dropDatabase(t, s.url, name) })
	return withDatabase(s.url, name)
}

// Connect opens a connection that is closed when the test ends.
func Connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctxFor(t), url)
	if err != nil {
		t.Fatalf("pgtest: connecting: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// ctxFor bounds a test's database calls, so a hung server fails the test
// instead of the whole binary's timeout.
func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func theServer(t testing.TB) *server {
	t.Helper()
	if !mainCalled {
		t.Fatal("pgtest: the package's TestMain must run the tests through pgtest.Main, which stops the server: " +
			"func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }")
	}
	once.Do(func() { srv, srvErr = start() })
	if srvErr != nil {
		t.Fatalf("pgtest: %v", srvErr)
	}
	return srv
}

// dropDatabase drops a test database, disconnecting any session the test
// left behind (FORCE needs PostgreSQL 13).
func dropDatabase(t testing.TB, adminURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Errorf("pgtest: dropping database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	sql := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	if v, _ := strconv.Atoi(conn.PgConn().ParameterStatus("server_version_num")); v == 0 || v >= 130000 {
		sql += " WITH (FORCE)"
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Errorf("pgtest: dropping database %s: %v", name, err)
	}
}

// withDatabase points a URL or key=value connection string at another
// database.
func withDatabase(conn, name string) string {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		if u, err := url.Parse(conn); err == nil {
			u.Path, u.RawPath = "/"+name, ""
			return u.String()
		}
	}
	return conn + " dbname=" + name // a later keyword overrides an earlier one
}

func start() (*server, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return &server{url: u, desc: "the server of " + EnvURL}, nil
	}
	c, err := shadow.StartCluster()
	if errors.Is(err, shadow.ErrNoServerBinaries) {
		return nil, errNoServer
	}
	if err != nil {
		return nil, err
	}
	return &server{url: c.URL(), desc: "the test cluster in " + c.Dir(), stop: c.Stop}, nil
}

// CloneDatabase creates a database as a copy of the one templateURL names
// (no session may be connected to it) and returns its URL. The copy is
// dropped when the test ends.
func CloneDatabase(t testing.TB, templateURL string) string {
	t.Helper()
	s := theServer(t)
	cfg, err := pgx.ParseConfig(templateURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name := fmt.Sprintf("pgtest_%d_%d", os.Getpid(), seq.Add(1))
	ctx := ctxFor(t)
	admin, err := pgx.Connect(ctx, s.url)
	if err != nil {
		t.Fatalf("pgtest: connecting to %s: %v", s.desc, err)
	}
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{cfg.Database}.Sanitize())
	admin.Close(ctx)
	if err != nil {
		t.Fatalf("pgtest: copying database %s: %v", cfg.Database, err)
	}
	t.Cleanup(func() { dropDatabase(t, s.url, name) })
	return withDatabase(s.url, name)
}
