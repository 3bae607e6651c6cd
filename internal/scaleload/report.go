package scaleload

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Report is what a run measured.
type Report struct {
	Elapsed  time.Duration
	Kinds    []Stats  // every kind of request ("read:actor", "shortest", …), by name
	Classes  []Stats  // the kinds summed by class: read, shortest, kpaths, analytics, write
	Errors   []string // the first errors, "kind: message"
	Acked    int      // mutations acknowledged (the probes' included)
	Entities int      // people and links they created or updated, all read back
	Lost     []string // entities missing or not holding their last acknowledged value
	// Visibility: how long after a link's creation was acknowledged the next
	// network summary counted it.
	Visibility probeResult
	Process    process
	Results    resultCounts // the analytics answers' results: stale or not, method, versions
	Server     serverFigures
}

// Stats are the figures of one kind or class of request. Latencies count
// every request, failed ones included.
type Stats struct {
	Name          string
	Count, Errors int
	PerSecond     float64
	P50, P99, Max time.Duration
}

// classes are the operation classes, in report order; a kind belongs to the
// class its name starts with.
var classes = []string{"read", "shortest", "kpaths", "analytics", "write"}

// recorder gathers the latencies of all clients.
type recorder struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	errors    map[string]int
	messages  []string
}

func newRecorder() *recorder {
	return &recorder{latencies: map[string][]time.Duration{}, errors: map[string]int{}}
}

func (r *recorder) add(kind string, took time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies[kind] = append(r.latencies[kind], took)
	if err != nil {
		r.errors[kind]++
		if len(r.messages) < 20 {
			r.messages = append(r.messages, kind+": "+err.Error())
		}
	}
}

func (r *recorder) report(elapsed time.Duration) *Report {
	rep := &Report{Elapsed: elapsed, Errors: r.messages}
	byClass := map[string][]time.Duration{}
	classErrors := map[string]int{}
	for kind, ls := range r.latencies {
		rep.Kinds = append(rep.Kinds, stats(kind, ls, r.errors[kind], elapsed))
		class, _, _ := strings.Cut(kind, ":")
		byClass[class] = append(byClass[class], ls...)
		classErrors[class] += r.errors[kind]
	}
	slices.SortFunc(rep.Kinds, func(a, b Stats) int { return cmp.Compare(a.Name, b.Name) })
	for _, c := range classes {
		rep.Classes = append(rep.Classes, stats(c, byClass[c], classErrors[c], elapsed))
	}
	return rep
}

func stats(name string, ls []time.Duration, errors int, elapsed time.Duration) Stats {
	s := slices.Clone(ls)
	slices.Sort(s)
	return Stats{Name: name, Count: len(s), Errors: errors, PerSecond: float64(len(s)) / elapsed.Seconds(),
		P50: percentile(s, 0.50), P99: percentile(s, 0.99), Max: percentile(s, 1)}
}

// percentile returns the nearest-rank percentile p (0..1) of sorted s.
func percentile(s []time.Duration, p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Class returns the figures of a class by name (zero if it had no requests).
func (r *Report) Class(name string) Stats {
	for _, s := range r.Classes {
		if s.Name == name {
			return s
		}
	}
	return Stats{Name: name}
}

// ErrorCount sums the errors of every class.
func (r *Report) ErrorCount() int {
	n := 0
	for _, s := range r.Classes {
		n += s.Errors
	}
	return n
}

// target is one of issue 14's targets for a 2-core machine.
type target struct {
	what     string
	got      string
	met      bool
	measured bool
}

func (r *Report) targets() []target {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	p99 := func(class string, limit time.Duration) target {
		s := r.Class(class)
		return target{fmt.Sprintf("%s p99 ≤ %s", class, ms(limit)), ms(s.P99), s.Count > 0 && s.P99 <= limit, s.Count > 0}
	}
	v := r.Visibility
	return []target{
		p99("read", 100*time.Millisecond), p99("shortest", 50*time.Millisecond), p99("analytics", 100*time.Millisecond),
		{"write visible to the next analytics answer ≤ 5 s (worst probe)", v.String(),
			len(v.Times) > 0 && v.NotVisible == 0 && v.worst() <= 5*time.Second, len(v.Times)+v.NotVisible+v.Errors > 0},
		{"0 errors", fmt.Sprint(r.ErrorCount()), r.ErrorCount() == 0, true},
		{"0 lost writes", fmt.Sprintf("%d of %d entities", len(r.Lost), r.Entities), len(r.Lost) == 0, r.Acked > 0},
	}
}

// Print writes the report as text.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d requests in %s\n", r.total(), r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "%-22s %8s %8s %10s %10s %10s %7s\n", "class / kind", "requests", "per s", "p50", "p99", "max", "errors")
	for _, c := range r.Classes {
		printStats(w, c, "")
		for _, k := range r.Kinds {
			if strings.HasPrefix(k.Name, c.Name+":") {
				printStats(w, k, "  ")
			}
		}
	}
	fmt.Fprintf(w, "analytics answers (consistency LATEST): %s\n", r.Results)
	fmt.Fprintf(w, "write visibility: %s\n", r.Visibility)
	fmt.Fprintf(w, "writes: %d mutations acknowledged on %d entities, every entity read back: %d lost\n", r.Acked, r.Entities, len(r.Lost))
	for _, l := range r.Lost[:min(len(r.Lost), 10)] {
		fmt.Fprintf(w, "  lost: %s\n", l)
	}
	fmt.Fprintf(w, "process: %s\n", r.Process)
	if r.Process.sampled && r.total() > 0 {
		// What a request costs, whatever else the machine runs: the figure
		// to compare between runs on a shared machine.
		fmt.Fprintf(w, "serve CPU per request: %.1f ms\n", float64(r.Process.CPU.Microseconds())/1000/float64(r.total()))
	}
	r.Server.print(w)
	for _, e := range r.Errors[:min(len(r.Errors), 10)] {
		fmt.Fprintf(w, "  error: %.240s\n", e)
	}
	fmt.Fprintln(w, "targets (issue 14, 2 cores):")
	for _, t := range r.targets() {
		mark := "MISSED"
		switch {
		case !t.measured:
			mark = "n/a"
		case t.met:
			mark = "met"
		}
		fmt.Fprintf(w, "  %-6s %-62s %s\n", mark, t.what, t.got)
	}
}

func (r *Report) total() int {
	n := 0
	for _, c := range r.Classes {
		n += c.Count
	}
	return n
}

func printStats(w io.Writer, s Stats, indent string) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "%-22s %8d %8.1f %10s %10s %10s %7d\n", indent+s.Name, s.Count, s.PerSecond, ms(s.P50), ms(s.P99), ms(s.Max), s.Errors)
}

// resultCounts sums what analytics answers said of their results.
type resultCounts struct {
	answers, stale int
	methods        map[string]int
	versions       map[string]bool
}

func (c *resultCounts) add(r answerResult) {
	if c.methods == nil {
		c.methods, c.versions = map[string]int{}, map[string]bool{}
	}
	c.answers++
	if r.Stale {
		c.stale++
	}
	c.methods[r.Method]++
	c.versions[r.Version.String()] = true
}

func (c resultCounts) String() string {
	if c.answers == 0 {
		return "none"
	}
	var ms []string
	for m, n := range c.methods {
		ms = append(ms, fmt.Sprintf("%s %d", cmp.Or(m, "no method"), n))
	}
	slices.Sort(ms)
	return fmt.Sprintf("%d, %d of them stale, from %d store versions; methods: %s",
		c.answers, c.stale, len(c.versions), strings.Join(ms, ", "))
}
