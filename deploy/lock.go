package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// advisoryLockKey is the key Prisma Migrate locks, so migrate-guard and
// Prisma exclude each other.
const advisoryLockKey = 72707369

// querier is what both a connection and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// lockPoll is how often a waiting deployer asks for the lock again.
var lockPoll = 250 * time.Millisecond

// lockProgress is how often a waiting deployer says it is still waiting.
const lockProgress = 10 * time.Second

// acquireLock takes Prisma's advisory lock by polling pg_try_advisory_lock.
// It never blocks in pg_advisory_lock: a session blocked there holds a
// snapshot, and a CREATE INDEX CONCURRENTLY run by the lock holder waits for
// that snapshot while the waiter waits for the lock, which PostgreSQL breaks
// with "deadlock detected". Between polls this session holds no snapshot.
func acquireLock(ctx context.Context, conn *pgx.Conn, wait time.Duration, say func(string, ...any)) error {
	start := time.Now()
	lastSaid := start
	for {
		var got bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", advisoryLockKey).Scan(&got); err != nil {
			return fmt.Errorf("taking the migration lock: %w", err)
		}
		if got {
			return nil
		}
		waited := time.Since(start)
		if waited >= wait {
			holder := lockHolder(ctx, conn)
			return fmt.Errorf("another deploy has held the migration lock (pg_advisory_lock %d) for over %s%s; raise --lock-wait or find the stuck deploy", advisoryLockKey, wait.Round(time.Second), holder)
		}
		if time.Since(lastSaid) >= lockProgress {
			say("waiting for the migration lock held by another deploy (%s so far)%s", waited.Round(time.Second), lockHolder(ctx, conn))
			lastSaid = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// lockHolder describes the session holding the advisory lock, or "".
// Advisory locks are per database: other databases' deploys hold the same key.
func lockHolder(ctx context.Context, conn *pgx.Conn) string {
	var s session
	err := conn.QueryRow(ctx, `SELECT l.pid, `+sessionColumns+`
		FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND l.classid = 0
		AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1`, advisoryLockKey).Scan(append([]any{&s.pid}, s.dest()...)...)
	if err != nil {
		return ""
	}
	return " (held by " + s.String() + ")"
}

// releaseLock gives the advisory lock back. Closing the connection would
// too; releasing explicitly lets the next deployer in at once.
func releaseLock(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", advisoryLockKey)
}
