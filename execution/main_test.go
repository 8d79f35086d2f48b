package execution_test

import (
	"os"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
