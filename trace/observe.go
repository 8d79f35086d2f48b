package trace

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// userSchemas restricts a query on pg_class or pg_namespace (alias n) to the
// schemas migrations write: not the system catalogs, TOAST or temporary ones.
const userSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema')
	AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'`

// object is one schema object of a snapshot: a relation, a type or a
// function, with what changes when a statement alters it.
type object struct {
	name     string // schema-qualified and unquoted, as PostgreSQL prints it
	kind     string // pg_class.relkind, or "type", "function"
	filenode int64  // pg_class.relfilenode; 0 for objects without storage
	table    int64  // for an index: the oid of its table
	sig      string // a digest of its definition (columns, constraints, defaults, labels, body)
}

// key identifies an object across snapshots: oids of different catalogs
// may coincide.
type key struct {
	class string // "rel", "type", "proc"
	oid   int64
}

type snapshot map[key]object

// snapshotQuery reads every user relation, type and function with its
// storage and a digest of its definition.
const snapshotQuery = `
SELECT 'rel', c.oid::int8, n.nspname || '.' || c.relname, c.relkind::text, c.relfilenode::int8,
	coalesce(i.indrelid, 0)::int8,
	md5(concat_ws('|',
		(SELECT string_agg(a.attname || ':' || a.atttypid || ':' || a.atttypmod || ':' || a.attnotnull || ':' || a.attgenerated::text,
			',' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
		(SELECT string_agg(co.conname || ':' || co.contype::text || ':' || co.convalidated, ',' ORDER BY co.conname)
			FROM pg_constraint co WHERE co.conrelid = c.oid),
		(SELECT string_agg(d.adnum || '=' || md5(d.adbin::text), ',' ORDER BY d.adnum) FROM pg_attrdef d WHERE d.adrelid = c.oid),
		(SELECT string_agg(t.tgname || ':' || t.tgenabled::text, ',' ORDER BY t.tgname) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
		c.relname, c.relpersistence::text, i.indisvalid::text, array_to_string(c.reloptions, ',')))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm', 'v', 'S', 'f') AND ` + userSchemas + `
UNION ALL
SELECT 'type', t.oid::int8, n.nspname || '.' || t.typname, 'type', 0, 0,
	md5(concat_ws('|', t.typname, (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)))
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype IN ('e', 'd') AND ` + userSchemas + `
UNION ALL
SELECT 'proc', p.oid::int8, n.nspname || '.' || p.proname, 'function', 0, 0, md5(p.proname || p.prosrc)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ` + userSchemas

func takeSnapshot(ctx context.Context, conn *pgx.Conn) (snapshot, error) {
	rows, err := conn.Query(ctx, snapshotQuery, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, err
	}
	snap := snapshot{}
	var k key
	var o object
	_, err = pgx.ForEachRow(rows, []any{&k.class, &k.oid, &o.name, &o.kind, &o.filenode, &o.table, &o.sig}, func() error {
		snap[k] = o
		return nil
	})
	return snap, err
}

// changes is what a statement did to the schema.
type changes struct {
	rewritten, created, changed, dropped []string
	rewrittenOIDs                        []int64
}

// diff compares the snapshots taken around a statement. A relation whose
// relfilenode changed was rewritten (or, for TRUNCATE, given new storage).
func diff(before, after snapshot) changes {
	var c changes
	for k, a := range after {
		b, ok := before[k]
		switch {
		case !ok:
			c.created = append(c.created, a.name)
		case b.filenode != 0 && a.filenode != b.filenode:
			c.rewritten = append(c.rewritten, a.name)
			c.rewrittenOIDs = append(c.rewrittenOIDs, k.oid)
			if a.sig != b.sig {
				c.changed = append(c.changed, a.name)
			}
		case a.sig != b.sig:
			c.changed = append(c.changed, a.name)
		}
	}
	for k, b := range before {
		if _, ok := after[k]; !ok {
			c.dropped = append(c.dropped, b.name)
		}
	}
	for _, l := range [][]string{c.rewritten, c.created, c.changed, c.dropped} {
		sort.Strings(l)
	}
	return c
}

// heldLock is a lock a backend holds on a relation.
type heldLock struct {
	oid  int64
	mode string // pg_locks.mode, e.g. AccessExclusiveLock
}

// locksQuery reads the relation locks a backend holds or waits for (the
// mode it waits for is one it is about to hold).
const locksQuery = `SELECT relation::int8, mode FROM pg_locks
	WHERE pid = $1 AND locktype = 'relation'
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`

// locksOf reads the relation locks backend pid holds.
func locksOf(ctx context.Context, conn *pgx.Conn, pid uint32) (map[heldLock]bool, error) {
	rows, err := conn.Query(ctx, locksQuery, pgx.QueryExecModeSimpleProtocol, pid)
	if err != nil {
		return nil, err
	}
	out := map[heldLock]bool{}
	var l heldLock
	_, err = pgx.ForEachRow(rows, []any{&l.oid, &l.mode}, func() error { out[l] = true; return nil })
	return out, err
}

// sampler polls, from a second connection, the locks a backend holds while
// it runs a statement that cannot run in a transaction block, whose locks
// are gone once it returns.
//
// Such statements are often over before a poll can see them, so a third
// connection (the blocker) first holds ROW EXCLUSIVE, as any writer does,
// on the tables the statement is expected to lock: the statement then
// waits, either for a conflicting mode or, as concurrent index builds and
// drops do, for the writers of the table, and the sampler releases the
// blocker once it has seen the statement wait, holding its locks.
type sampler struct {
	stop     chan struct{}
	done     sync.WaitGroup
	seen     map[heldLock]bool
	err      error
	blocker  *pgx.Conn // nil when nothing is blocked
	released time.Time
}

// maxBlock bounds how long the blocker holds the statement when the
// sampler sees no lock. A statement that waits for the blocker shows a lock
// (granted, or the one it waits for), so this is only a safety net; it must
// be long, since on a loaded machine the statement may reach the server
// well after the first polls.
const maxBlock = 5 * time.Second

// startSampler starts polling; blocker, when not nil, is in a transaction
// holding locks the statement waits for.
func startSampler(ctx context.Context, monitor, blocker *pgx.Conn, pid uint32) *sampler {
	s := &sampler{stop: make(chan struct{}), seen: map[heldLock]bool{}, blocker: blocker}
	start := time.Now()
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		for {
			// Seen waiting before the locks are read, it is still waiting
			// (the blocker holds) while they are: they are all there.
			wait := s.blocker != nil && (waiting(ctx, monitor, pid) || time.Since(start) > maxBlock)
			got, err := locksOf(ctx, monitor, pid)
			if err != nil {
				s.err = err
				s.release(ctx)
				return
			}
			for l := range got {
				s.seen[l] = true
			}
			if wait {
				s.release(ctx)
			}
			select {
			case <-s.stop:
				return
			default: // poll again at once: each poll is a round trip already
			}
		}
	}()
	return s
}

// waiting reports whether backend pid waits for a lock (a relation lock,
// or the transactions a concurrent index build or drop waits out).
func waiting(ctx context.Context, monitor *pgx.Conn, pid uint32) bool {
	var w bool
	err := monitor.QueryRow(ctx, "SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1",
		pgx.QueryExecModeSimpleProtocol, pid).Scan(&w)
	return err == nil && w
}

// release ends the blocker's transaction, once.
func (s *sampler) release(ctx context.Context) {
	if s.blocker == nil {
		return
	}
	if _, err := s.blocker.Exec(ctx, "ROLLBACK"); err != nil && s.err == nil {
		s.err = err
	}
	s.blocker, s.released = nil, time.Now()
}

// finish stops the sampler and returns every lock it saw, and when the
// blocker was released (zero if it never held anything).
func (s *sampler) finish(ctx context.Context) (map[heldLock]bool, time.Time, error) {
	close(s.stop)
	s.done.Wait()
	s.release(ctx)
	return s.seen, s.released, s.err
}

// readsQuery reads how many rows the current transaction has read from each
// table, by sequential and index scans: a statement that validated,
// scanned or built over a table's rows shows there, however fast it was.
const readsQuery = `SELECT relid::int8, seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables`

func readsOf(ctx context.Context, conn *pgx.Conn) (map[int64]int64, error) {
	rows, err := conn.Query(ctx, readsQuery, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, err
	}
	out := map[int64]int64{}
	var oid, n int64
	_, err = pgx.ForEachRow(rows, []any{&oid, &n}, func() error { out[oid] = n; return nil })
	return out, err
}
