package shadow_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/shadow"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestOpenCluster starts a throwaway cluster, uses it, and checks that Close
// stops it and deletes its files.
func TestOpenCluster(t *testing.T) {
	t.Setenv(shadow.EnvURL, "")
	ctx := context.Background()
	db, err := shadow.Open(ctx, shadow.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := pgx.Connect(ctx, db.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
		t.Fatal(err)
	}
	// Close must work with a session still open.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if c, err := pgx.Connect(ctx, db.URL()); err == nil {
		c.Close(ctx)
		t.Error("the throwaway cluster still accepts connections after Close")
	}
	dir := strings.TrimPrefix(strings.SplitN(db.String(), " on ", 2)[1], "the throwaway cluster in ")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cluster directory %s still exists after Close (%v)", dir, err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestOpenURL creates the shadow database on a given server, with Prisma's
// parameters in the URL, and checks Close drops it even with a session open.
func TestOpenURL(t *testing.T) {
	ctx := context.Background()
	server := pgtest.NewDatabase(t)
	db, err := shadow.Open(ctx, shadow.Options{URL: server + "&schema=public&connection_limit=1"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn := pgtest.Connect(t, db.URL())
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, "migrate_guard_shadow_") {
		t.Errorf("shadow database is %q", name)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	admin := pgtest.Connect(t, server)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("shadow database %s still exists after Close", name)
	}
}

// TestEnvURL takes the server from SHADOW_DATABASE_URL when Options.URL is
// empty.
func TestEnvURL(t *testing.T) {
	server := pgtest.NewDatabase(t)
	t.Setenv(shadow.EnvURL, server)
	db, err := shadow.Open(context.Background(), shadow.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if strings.Contains(db.String(), "throwaway cluster") {
		t.Errorf("Open ignored %s: %s", shadow.EnvURL, db)
	}
}

// TestRefusesDatabaseWithTables protects somebody's data: a URL whose own
// database holds a table is refused, and nothing is created.
func TestRefusesDatabaseWithTables(t *testing.T) {
	ctx := context.Background()
	server := pgtest.NewDatabase(t)
	admin := pgtest.Connect(t, server)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA app; CREATE TABLE app."User" (id int)`); err != nil {
		t.Fatal(err)
	}
	db, err := shadow.Open(ctx, shadow.Options{URL: server})
	if err == nil {
		db.Close()
		t.Fatal("Open accepted a database holding tables")
	}
	if !strings.Contains(err.Error(), "refusing") || !strings.Contains(err.Error(), "app.User") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error = %q, want a one-line refusal naming app.User", err)
	}
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname LIKE 'migrate_guard_shadow_%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d shadow databases created despite the refusal", n)
	}
}

// TestErrorsHidePassword: a server that cannot be reached is reported
// without the URL's password.
func TestErrorsHidePassword(t *testing.T) {
	for _, u := range []string{
		"postgres://app:s3cr3tpw@127.0.0.1:1/app?connect_timeout=2",
		"host=127.0.0.1 port=1 user=app password=s3cr3tpw dbname=app connect_timeout=2",
		"postgres://app:s3cr3tpw@db:5432/app?x=%zz",
	} {
		_, err := shadow.Open(context.Background(), shadow.Options{URL: u})
		if err == nil {
			t.Fatalf("Open(%q) succeeded", u)
		}
		if strings.Contains(err.Error(), "s3cr3tpw") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}
