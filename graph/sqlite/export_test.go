package sqlite

// SetKeepChanges makes s keep only the newest n versions in its change log,
// so tests can see pruning without thousands of writes.
func SetKeepChanges(s *Store, n int64) { s.keep = n }
