package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeEdgeList writes a SNAP-style edge list of n distinct undirected
// links among nodes nodes, with comments, and returns how many nodes
// appear in it.
func writeEdgeList(t *testing.T, path string, n, nodes int) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# A generated collaboration network\n# Nodes: %d Edges: %d\n# FromNodeId\tToNodeId\n", nodes, n)
	seen := map[[2]int]bool{}
	used := map[int]bool{}
	x := uint64(42)
	next := func() int { x = x*6364136223846793005 + 1442695040888963407; return int(x>>33) % nodes }
	for len(seen) < n {
		a, b := next(), next()
		if a == b {
			continue
		}
		if b < a {
			a, b = b, a
		}
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		used[a], used[b] = true, true
		fmt.Fprintf(w, "%d\t%d\n", a, b)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return len(used)
}

// TestImportKilledMidway kills (SIGKILL) the real program while it writes
// a large import, then opens the store: it holds what it held before,
// never part of the import; the same import then completes.
func TestImportKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and imports 100,000 links")
	}
	dir := t.TempDir()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "db")
	small := filepath.Join(dir, "small.txt")
	os.WriteFile(small, []byte("a b\nb c\nc a\n"), 0o644)
	if out, err := exec.Command(bin, "import", "--data", db, small).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	beforeA, beforeL := counts(t, db)
	big := filepath.Join(dir, "big.txt")
	const links = 100_000
	nodes := writeEdgeList(t, big, links, 20_000)

	cmd := exec.Command(bin, "import", "--data", db, "--progress", big)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	writing := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Split(scanProgress)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "writing") {
				writing <- true
				break
			}
		}
		for sc.Scan() { // drain, so the program never blocks on its pipe
		}
	}()
	select {
	case <-writing:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the import never started writing")
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the import ended (%v) before it was killed: make the file larger", err)
	}
	a, l := counts(t, db)
	afterA, afterL := beforeA+nodes, beforeL+links
	switch {
	case a == beforeA && l == beforeL:
		t.Logf("killed midway: the store holds what it held before (%d actors, %d links)", a, l)
	case a == afterA && l == afterL:
		t.Logf("killed after the commit: the store holds the whole import")
	default:
		t.Fatalf("after the kill: %d actors and %d links, want %d and %d (before) or %d and %d (after)",
			a, l, beforeA, beforeL, afterA, afterL)
	}
	if out, err := exec.Command(bin, "import", "--data", db, big).CombinedOutput(); err != nil {
		t.Fatalf("import after the kill: %v %s", err, out)
	}
	if a, l := counts(t, db); a != afterA || l != afterL {
		t.Errorf("after importing again: %d actors and %d links, want %d and %d", a, l, afterA, afterL)
	}
}

// scanProgress splits a progress bar's output at carriage returns too.
func scanProgress(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		if b == '\n' || b == '\r' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
