package database_test

import (
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestMain drops the database templates the tests built when they end.
func TestMain(m *testing.M) { testdb.Main(m) }
