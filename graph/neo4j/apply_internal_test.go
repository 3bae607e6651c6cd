package neo4j

import (
	"errors"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestOutOfMemoryNotRetried: the driver retries any error that unwraps to
// a transient Neo4jError; a stream that outgrew the transaction memory pool
// must not be retried, and other errors pass unchanged.
func TestOutOfMemoryNotRetried(t *testing.T) {
	oom := &neo4j.Neo4jError{Code: "Neo.TransientError.General.MemoryPoolOutOfMemoryError", Msg: "threshold reached"}
	var ne *neo4j.Neo4jError
	if got := outOfMemory(oom); errors.As(got, &ne) {
		t.Errorf("outOfMemory(%v) = %v, which unwraps to the driver's error", oom, got)
	}
	other := &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}
	if got := outOfMemory(other); got != error(other) {
		t.Errorf("outOfMemory(%v) = %v, want it unchanged", other, got)
	}
	if got := outOfMemory(nil); got != nil {
		t.Errorf("outOfMemory(nil) = %v", got)
	}
}
