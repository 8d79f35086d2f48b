package stats

import (
	"context"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestCalibrate measures a server on small tables: every class gets a
// usable rate, and the schema it worked in is gone afterwards.
func TestCalibrate(t *testing.T) {
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	var steps int
	r, err := Calibrate(ctx, conn, CalibrateOptions{Rows: 30_000, Progress: func(string) { steps++ }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.check(); err != nil {
		t.Errorf("calibrated rates: %v (%+v)", err, r)
	}
	if r.Server == "" || r.MeasuredAt.IsZero() || steps == 0 {
		t.Errorf("server %q, measured at %v, %d progress reports", r.Server, r.MeasuredAt, steps)
	}
	var left int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'migrate_guard_calibration%'").Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d calibration schemas left behind", left)
	}
}
