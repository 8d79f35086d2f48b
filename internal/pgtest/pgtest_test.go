package pgtest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConnect(t *testing.T) {
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	var version string
	if err := conn.QueryRow(context.Background(), "SELECT version()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(version, "PostgreSQL ") {
		t.Errorf("version() = %q", version)
	}
	t.Log(version)
}

// TestDatabasesAreIsolatedAndDropped checks that each test gets its own
// empty database and that it is gone once the test ends.
func TestDatabasesAreIsolatedAndDropped(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("create", func(t *testing.T) {
		a := pgtest.Connect(t, pgtest.NewDatabase(t))
		b := pgtest.Connect(t, pgtest.NewDatabase(t))
		if err := a.QueryRow(ctx, "SELECT current_database()").Scan(&first); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := b.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relname = 't'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Error("a table created in one test database is visible in another")
		}
	})
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", first).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if first == "" || exists {
		t.Errorf("database %q still exists after its test ended", first)
	}
}
