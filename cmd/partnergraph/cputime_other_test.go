//go:build !unix

package main

import "time"

// cpuTime is not measured here: the load test reports 0 ms of CPU.
func cpuTime() time.Duration { return 0 }
