package scaleload

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// process is the server process's memory and CPU during the run.
type process struct {
	sampled   bool
	Peak, End int64         // resident bytes
	CPU       time.Duration // user and system time
	Wall      time.Duration
}

func (p process) String() string {
	if !p.sampled {
		return "not sampled (no server process given)"
	}
	return fmt.Sprintf("serve RSS peak %.0f MiB, at the end %.0f MiB; serve CPU %.1f s in %.1f s (%.2f of the machine's %d cores)",
		float64(p.Peak)/(1<<20), float64(p.End)/(1<<20), p.CPU.Seconds(), p.Wall.Seconds(), p.CPU.Seconds()/p.Wall.Seconds(), runtime.NumCPU())
}

// sampleProcess samples the RSS of cfg.PID every half second until ctx
// ends, and its CPU time at the start and the end; the function it returns
// stops the sampling and gives the figures.
func (w *workload) sampleProcess(ctx context.Context) func() process {
	if w.cfg.PID <= 0 {
		return func() process { return process{} }
	}
	done := make(chan process)
	ctx, cancel := context.WithCancel(ctx)
	start, cpu0 := time.Now(), cpuTime(w.cfg.PID)
	go func() {
		p := process{sampled: true}
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, err := residentBytes(w.cfg.PID); err == nil {
				p.Peak, p.End = max(p.Peak, rss), rss
			}
			select {
			case <-ctx.Done():
				p.CPU, p.Wall = cpuTime(w.cfg.PID)-cpu0, time.Since(start)
				done <- p
				return
			case <-t.C:
			}
		}
	}()
	return func() process { cancel(); return <-done }
}

// cpuTime reads a process's user and system time from /proc (Linux, whose
// clock tick for these fields is 1/100 s on every architecture Go runs on).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces): state is the
	// first, utime the 12th, stime the 13th.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// residentBytes reads VmRSS from /proc (Linux).
func residentBytes(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// metrics reads the server's /metrics samples, by name and labels.
func (w *workload) metrics(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.cfg.URL+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	res, err := w.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scaleload: metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, res.Body)
		return map[string]float64{}, nil // served elsewhere (--ops-addr): report without them
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
				samples[line[:i]] = v
			}
		}
	}
	return samples, sc.Err()
}

// serverFigures is what the server's own metrics say about the run: where
// its time went (store calls, analytics and path fields) and its snapshot
// cache.
type serverFigures struct {
	SnapshotBytes, CacheHits, CacheMisses float64
	Top                                   []timeSpent // the largest, at most 8
}

type timeSpent struct {
	Name    string // "store Scan", "field brokers"
	Count   float64
	Seconds float64
}

func figures(before, after map[string]float64) serverFigures {
	f := serverFigures{SnapshotBytes: after["partnergraph_snapshot_cache_bytes"],
		CacheHits:   after["partnergraph_snapshot_cache_hits_total"] - before["partnergraph_snapshot_cache_hits_total"],
		CacheMisses: after["partnergraph_snapshot_cache_misses_total"] - before["partnergraph_snapshot_cache_misses_total"]}
	spent := map[string]*timeSpent{}
	for name, v := range after {
		var prefix, label string
		switch {
		case strings.HasPrefix(name, "partnergraph_store_call_duration_seconds_"):
			prefix, label = "store ", labelValue(name, "method")
		case strings.HasPrefix(name, "partnergraph_analytics_duration_seconds_"):
			prefix, label = "field ", labelValue(name, "field")
		case strings.HasPrefix(name, "partnergraph_analytics_recompute_duration_seconds_"):
			prefix, label = "background recompute ", labelValue(name, "outcome")
		default:
			continue
		}
		s := spent[prefix+label]
		if s == nil {
			s = &timeSpent{Name: prefix + label}
			spent[s.Name] = s
		}
		switch {
		case strings.Contains(name, "_seconds_sum{"):
			s.Seconds += v - before[name]
		case strings.Contains(name, "_seconds_count{"):
			s.Count += v - before[name]
		}
	}
	for _, s := range spent {
		if s.Count > 0 {
			f.Top = append(f.Top, *s)
		}
	}
	slices.SortFunc(f.Top, func(a, b timeSpent) int {
		return cmp.Or(cmp.Compare(b.Seconds, a.Seconds), cmp.Compare(a.Name, b.Name))
	})
	f.Top = f.Top[:min(len(f.Top), 8)]
	return f
}

func labelValue(name, label string) string {
	_, rest, ok := strings.Cut(name, label+`="`)
	if !ok {
		return "?"
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

func (f serverFigures) print(w io.Writer) {
	fmt.Fprintf(w, "snapshot cache: %.1f MiB held at the end, %.0f hits, %.0f misses (rebuilds)\n",
		f.SnapshotBytes/(1<<20), f.CacheHits, f.CacheMisses)
	if len(f.Top) > 0 {
		fmt.Fprintln(w, "server time by store call and field (its /metrics; fields overlap the store calls they make):")
	}
	for _, s := range f.Top {
		fmt.Fprintf(w, "  %-28s %7.0f calls %9.1f s in all %9.1f ms each\n", s.Name, s.Count, s.Seconds, 1000*s.Seconds/s.Count)
	}
}

// probeResult is what the write-visibility probes measured.
type probeResult struct {
	Times      []time.Duration // from a write's acknowledgement to its first analytics answer
	NotVisible int             // probes that gave up after probeLimit
	Errors     int
}

const probeLimit = 30 * time.Second

func (p probeResult) worst() time.Duration { return slices.Max(append([]time.Duration{0}, p.Times...)) }

func (p probeResult) String() string {
	if len(p.Times) == 0 {
		return fmt.Sprintf("no probe completed (%d not visible within %s, %d errors)", p.NotVisible, probeLimit, p.Errors)
	}
	s := slices.Sorted(slices.Values(p.Times))
	return fmt.Sprintf("%d probes, median %s, worst %s, %d not visible within %s, %d errors",
		len(s), percentile(s, 0.5).Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond), p.NotVisible, probeLimit, p.Errors)
}

// probe creates a link at once and then every cfg.Probe, and times how
// long until an analytics answer (the network summary) includes it. A probe
// under way when stop closes finishes; one the end of ctx cuts gives no
// figure.
func (w *workload) probe(ctx context.Context, stop <-chan struct{}) probeResult {
	var res probeResult
	rng := rand.New(rand.NewPCG(w.cfg.Seed, 1<<40))
	own := &owned{client: -1}
	t := time.NewTicker(w.cfg.Probe)
	defer t.Stop()
	for {
		own.seq++
		a, b := w.pair(rng)
		_, err := w.createLink(ctx, own, a.ID, b.ID)
		var took time.Duration
		if err == nil {
			took, err = w.visible(ctx, time.Now())
		}
		switch {
		case ctx.Err() != nil:
			return res
		case err != nil:
			res.Errors++
		case took < 0:
			res.NotVisible++
		default:
			res.Times = append(res.Times, took)
		}
		select {
		case <-ctx.Done():
			return res
		case <-stop:
			return res
		case <-t.C:
		}
	}
}

// visible polls the network summary until it counts a link created at
// acked, and returns the time that took (-1 after probeLimit).
//
// The newest (LATEST) summary is the one a dashboard gets at once; the
// probe waits for it to count the write. Analytics answers say which store
// version they were computed at (result { version }), but a mutation does
// not say which version it made, so a write is recognised by counting:
// links are only added during the run (updates keep the count, nothing is
// deleted), so the link count is non-decreasing in the store version, and a
// summary counting at least as many links as the store held just after the
// write was acknowledged was computed at a version that includes it.
// HOOK: when mutations return the version they made, compare the summary's
// result { version } with it instead; then deletions may join the mix.
func (w *workload) visible(ctx context.Context, acked time.Time) (time.Duration, error) {
	var store struct{ Links struct{ TotalCount int } }
	if err := w.do(ctx, `query StoreLinks { links(first: 1) { totalCount } }`, nil, &store); err != nil {
		return 0, err
	}
	for {
		var got struct{ NetworkSummary struct{ Links int } }
		if err := w.do(ctx, `query Visible { networkSummary(consistency: LATEST) { links } }`, nil, &got); err != nil {
			return 0, err
		}
		took := time.Since(acked)
		if got.NetworkSummary.Links >= store.Links.TotalCount {
			return took, nil
		}
		if took > probeLimit {
			return -1, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond): // poll interval
		}
	}
}
