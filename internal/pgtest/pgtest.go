// Package pgtest gives tests a real PostgreSQL server.
//
// When TEST_DATABASE_URL is set, tests use that server (the role needs
// CREATEDB). Otherwise the first test that asks for a database starts a
// throwaway cluster from the installed server binaries (initdb and pg_ctl,
// looked up in PATH, then in /usr/lib/postgresql/*/bin), and Main stops it
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
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	return startCluster(bin)
}

// binDir finds a directory holding both initdb and pg_ctl: PATH first, then
// Debian's /usr/lib/postgresql/<major>/bin, newest major first.
func binDir() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(debian, func(i, j int) bool { return major(debian[i]) > major(debian[j]) })
	for _, d := range append(dirs, debian...) {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errNoServer
}

func major(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// startCluster initializes a cluster in a temporary directory and starts it
// on a free port of 127.0.0.1, with its socket in the same directory.
func startCluster(bin string) (*server, error) {
	root, err := os.MkdirTemp("", "pgtest")
	if err != nil {
		return nil, err
	}
	cred, err := serverUser(root)
	if err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	data := filepath.Join(root, "data")
	if out, err := run(cred, root, filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
		"--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	pgctl := filepath.Join(bin, "pg_ctl")
	port, err := startServer(cred, root, pgctl, data)
	if err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	stop := func() error {
		defer os.RemoveAll(root)
		if out, err := run(cred, root, pgctl, "-D", data, "-m", "immediate", "stop"); err != nil {
			return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
		}
		return nil
	}
	return &server{
		url:  fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		desc: "the test cluster in " + root,
		stop: stop,
	}, nil
}

// startServer runs pg_ctl start, trying another port when another process
// took the free one between the probe and the server's bind.
func startServer(cred *syscall.Credential, root, pgctl, data string) (int, error) {
	logFile := filepath.Join(root, "server.log")
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var port int
		if port, err = freePort(); err != nil {
			return 0, err
		}
		// pg_ctl hands -o to a shell: quote the socket directory.
		opts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1 -c fsync=off", port, root)
		var out []byte
		if out, err = run(cred, root, pgctl, "-D", data, "-w", "-l", logFile, "-o", opts, "start"); err == nil {
			return port, nil
		}
		log, _ := os.ReadFile(logFile)
		err = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return 0, err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serverUser returns the credential to run initdb and pg_ctl with. initdb
// refuses to run as root, so root runs them as the postgres user, which then
// owns dir.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Getuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and initdb refuses root: need a `postgres` user to run the test cluster (%v); or set %s", err, EnvURL)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func run(cred *syscall.Credential, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir // the server user may not be able to enter the test's directory
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	return cmd.CombinedOutput()
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
