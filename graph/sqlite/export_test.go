package sqlite

import "database/sql"

// SetKeepChanges makes s keep only the newest n versions in its change log,
// so tests can see pruning without thousands of writes.
func SetKeepChanges(s *Store, n int64) { s.keep = n }

// QueryRow runs a query on s's database, for tests that check the store's
// answers against SQL written by hand.
func QueryRow(s *Store, q string, args ...any) *sql.Row { return s.r.QueryRow(q, args...) }
