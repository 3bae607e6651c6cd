//go:build !unix

package analysis_test

import "time"

// cpuTime is unknown here: the benchmarks report wall time only.
func cpuTime() (time.Duration, bool) { return 0, false }
