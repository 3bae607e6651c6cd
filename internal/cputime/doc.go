// Package cputime gives benchmarks and load tests the CPU time their
// process has used: on a machine busy with other work, wall time mostly
// measures the wait for a core.
package cputime
