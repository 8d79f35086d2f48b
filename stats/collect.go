package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/deploy"
)

// Collect takes a snapshot of the database conn is connected to. It runs in
// one READ ONLY transaction under a short lock_timeout and statement_timeout
// (pg_table_size takes an ACCESS SHARE lock, which waits behind a running
// migration's ACCESS EXCLUSIVE lock), reads only the catalogs and the
// statistics views, and writes nothing.
//
// Privileges: none beyond CONNECT. pg_class, pg_index, pg_namespace, pg_am,
// pg_stat_user_tables, pg_stat_database, pg_db_role_setting and
// pg_settings are readable by every role, and the size functions need no
// privilege on the table, so a read-only role on a replica is enough.
func Collect(ctx context.Context, conn *pgx.Conn) (*File, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only: nothing to keep
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '120s'"); err != nil {
		return nil, err
	}
	f := &File{Version: Version, TakenAt: time.Now().UTC().Truncate(time.Second)}
	err = tx.QueryRow(ctx, `SELECT current_database(), current_user, current_setting('server_version'),
		current_setting('server_version_num')::int,
		(SELECT stats_reset FROM pg_stat_database WHERE datname = current_database())`).
		Scan(&f.Database, &f.Role, &f.ServerVersion, &f.ServerVersionNum, &f.StatsReset)
	if err != nil {
		return nil, fmt.Errorf("reading the server version: %w", err)
	}
	if f.StatsReset != nil {
		t := f.StatsReset.UTC()
		f.StatsReset = &t
	}
	if f.Settings, err = settings(ctx, tx); err != nil {
		return nil, fmt.Errorf("reading lock_timeout and statement_timeout: %w", err)
	}
	if f.Tables, err = tables(ctx, tx); err != nil {
		return nil, fmt.Errorf("reading table sizes: %w", err)
	}
	return f, nil
}

// timeoutSettings are the settings a snapshot records.
var timeoutSettings = []string{"lock_timeout", "statement_timeout"}

// settings returns the value each of timeoutSettings takes in a new session
// of the current role on the current database: the most specific entry of
// pg_db_role_setting, in PostgreSQL's order, else the server's value.
func settings(ctx context.Context, tx pgx.Tx) (map[string]Setting, error) {
	rows, err := tx.Query(ctx, `SELECT s.setdatabase <> 0, s.setrole <> 0, split_part(c, '=', 1), substr(c, strpos(c, '=') + 1)
		FROM pg_db_role_setting s, unnest(s.setconfig) c
		WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
		  AND s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_user))`)
	if err != nil {
		return nil, err
	}
	type entry struct {
		rank  int
		value string
	}
	best := map[string]entry{}
	for rows.Next() {
		var db, role bool
		var name, value string
		if err := rows.Scan(&db, &role, &name, &value); err != nil {
			return nil, err
		}
		rank := 1 // ALTER ROLE ALL SET: the least specific
		switch {
		case db && role:
			rank = 4
		case role:
			rank = 3
		case db:
			rank = 2
		}
		if e, ok := best[name]; !ok || rank > e.rank {
			best[name] = entry{rank, value}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sources := [...]string{"", "all roles", "database", "role", "role and database"}
	out := map[string]Setting{}
	for _, name := range timeoutSettings {
		if e, ok := best[name]; ok {
			out[name] = Setting{Value: e.value, Source: sources[e.rank]}
			continue
		}
		var v string
		// reset_val is the value a session starts with: the server's.
		if err := tx.QueryRow(ctx, `SELECT reset_val || coalesce(unit, '') FROM pg_settings WHERE name = $1`, name).Scan(&v); err != nil {
			return nil, err
		}
		if v == "0ms" {
			v = "0"
		}
		out[name] = Setting{Value: v, Source: "server"}
	}
	return out, nil
}

// tables returns every ordinary table and materialized view outside the
// system schemas, in name order, with its indexes.
func tables(ctx context.Context, tx pgx.Tx) ([]Table, error) {
	rows, err := tx.Query(ctx, `SELECT c.oid, n.nspname, c.relname, c.reltuples::float8, c.relpages,
		coalesce(s.n_live_tup, 0), pg_table_size(c.oid), pg_total_relation_size(c.oid),
		coalesce(s.n_tup_ins, 0), coalesce(s.n_tup_upd, 0), coalesce(s.n_tup_del, 0),
		coalesce(s.seq_scan, 0), coalesce(s.idx_scan, 0)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
		WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
		  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
		ORDER BY n.nspname, c.relname`)
	if err != nil {
		return nil, err
	}
	var out []Table
	oids := map[uint32]int{}
	for rows.Next() {
		var t Table
		var oid uint32
		var reltuples float64
		var relpages int64
		var live int64
		if err := rows.Scan(&oid, &t.Schema, &t.Name, &reltuples, &relpages, &live, &t.HeapBytes, &t.TotalBytes,
			&t.Inserts, &t.Updates, &t.Deletes, &t.SeqScans, &t.IndexScans); err != nil {
			return nil, err
		}
		t.Rows, t.RowsSource = int64(reltuples), "reltuples"
		// -1 (PostgreSQL 14+), or 0 with no pages before: never analyzed.
		if reltuples < 0 || (reltuples == 0 && relpages == 0 && live > 0) {
			t.Rows, t.RowsSource = live, "n_live_tup"
		}
		t.Indexes = []Index{}
		oids[oid] = len(out)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT i.indrelid, ic.relname, pg_relation_size(i.indexrelid), am.amname, i.indisunique
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
		ORDER BY ic.relname`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var rel uint32
		var ix Index
		if err := rows.Scan(&rel, &ix.Name, &ix.Bytes, &ix.Method, &ix.Unique); err != nil {
			return nil, err
		}
		if i, ok := oids[rel]; ok {
			out[i].Indexes = append(out[i].Indexes, ix)
		}
	}
	return out, rows.Err()
}

// Snapshot connects to the database at url and takes a stats snapshot of
// it. Errors never hold the password.
func Snapshot(ctx context.Context, url string) (*File, error) {
	conn, err := Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	f, err := Collect(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return f, nil
}

// Connect connects to a database URL as deploy reads it (Prisma's
// parameters understood); errors name user@host:port/db, never the password.
func Connect(ctx context.Context, url string) (*pgx.Conn, error) {
	t, err := deploy.ParseURL(url)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, t.Config)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", t, err)
	}
	return conn, nil
}
