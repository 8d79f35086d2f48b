package stats

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestCollect snapshots a database with known tables, settings and a role
// that has no privilege beyond CONNECT.
func TestCollect(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, dbURL)
	ctx := context.Background()
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	role := "stats_reader_" + strings.TrimPrefix(db, "pgtest_")
	setup := []string{
		`CREATE TABLE "Order" (id bigint PRIMARY KEY, note text, total int)`,
		`INSERT INTO "Order" SELECT g, repeat('x', 100), g FROM generate_series(1, 5000) g`,
		`CREATE INDEX "Order_total_idx" ON "Order" (total)`,
		`CREATE SCHEMA billing`,
		`CREATE TABLE billing.invoice (id int)`,
		`ANALYZE`,
		// PostgreSQL 15+ sends the write counts at the next idle moment, not
		// every second; an error on older servers is harmless.
		`DO $$ BEGIN PERFORM pg_stat_force_next_flush(); EXCEPTION WHEN undefined_function THEN NULL; END $$`,
		`CREATE ROLE ` + role + ` LOGIN`,
		`ALTER ROLE ` + role + ` IN DATABASE ` + db + ` SET lock_timeout = '3s'`,
		`ALTER DATABASE ` + db + ` SET statement_timeout = '1min'`,
	}
	for _, s := range setup {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	// Registered before the reader connects, so it runs after the reader is closed.
	t.Cleanup(func() { dropRole(dbURL, role) })

	u, err := url.Parse(dbURL)
	if err != nil || u.Scheme == "" {
		t.Skipf("SKIPPED: the test server's URL is not a URL (%q)", dbURL)
	}
	u.User = url.User(role)
	reader := pgtest.Connect(t, u.String())
	f, err := Collect(ctx, reader)
	if err != nil {
		t.Fatalf("Collect as a role without privileges: %v", err)
	}
	if f.Version != Version || f.Database != db || f.Role != role || f.ServerVersionNum < 100000 || f.ServerVersion == "" {
		t.Errorf("header = %d %q %q %d %q", f.Version, f.Database, f.Role, f.ServerVersionNum, f.ServerVersion)
	}
	if got := f.Settings["lock_timeout"]; got != (Setting{"3s", "role and database"}) {
		t.Errorf("lock_timeout = %+v", got)
	}
	if got := f.Settings["statement_timeout"]; got != (Setting{"1min", "database"}) {
		t.Errorf("statement_timeout = %+v", got)
	}
	order := f.Table(catalog.Name{Schema: "public", Name: "Order"})
	if order == nil {
		t.Fatalf("no public.Order in %+v", f.Tables)
	}
	if order.Rows != 5000 || order.RowsSource != "reltuples" || order.Inserts != 5000 {
		t.Errorf("Order rows = %d (%s), inserts %d; want 5000 from reltuples", order.Rows, order.RowsSource, order.Inserts)
	}
	if order.HeapBytes < 5000*100 || order.TotalBytes <= order.HeapBytes {
		t.Errorf("Order heap %d, total %d bytes: too small", order.HeapBytes, order.TotalBytes)
	}
	if len(order.Indexes) != 2 || order.Indexes[0].Name != "Order_pkey" || !order.Indexes[0].Unique ||
		order.Indexes[1].Name != "Order_total_idx" || order.Indexes[1].Method != "btree" || order.Indexes[1].Bytes <= 0 {
		t.Errorf("Order indexes = %+v", order.Indexes)
	}
	if inv := f.Table(catalog.Name{Schema: "billing", Name: "invoice"}); inv == nil || inv.Rows != 0 || len(inv.Indexes) != 0 {
		t.Errorf("billing.invoice = %+v", inv)
	}
	if len(f.Tables) != 2 {
		t.Errorf("tables = %d, want 2 (no system tables)", len(f.Tables))
	}
	data, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), u.Host) || strings.Contains(string(data), "postgres://") {
		t.Errorf("the stats file holds the URL:\n%s", data)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatalf("reading the written file: %v", err)
	}
	if back.Table(order.QualifiedName()).TotalBytes != order.TotalBytes {
		t.Error("the written file does not read back")
	}
}

// dropRole drops a test role (roles outlive the test's database).
func dropRole(dbURL, role string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return
	}
	defer c.Close(ctx)
	c.Exec(ctx, "DROP ROLE IF EXISTS "+role) //nolint:errcheck // a leftover role in a throwaway cluster harms nothing
}
