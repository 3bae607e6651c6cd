//go:build unix

package analysis_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used (user and system), which
// the benchmarks report beside wall time: on a shared machine, time spent
// waiting for a core is not the algorithm's.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
