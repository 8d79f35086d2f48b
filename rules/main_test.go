package rules_test

import (
	"os"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestMain lets tests ask pgtest for a real PostgreSQL database; the server
// starts on the first request only.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
