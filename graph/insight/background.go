package insight

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Consistency says which result of a whole-network analytic a query
// accepts from the Background engine.
type Consistency uint8

const (
	// Auto is Fresh on a network small enough to recompute within a
	// request (n·m ≤ BackgroundOptions.FreshLimit) and Latest otherwise:
	// small networks answer as if computed on demand, large ones stay
	// answerable under writes.
	Auto Consistency = iota
	// Latest is the newest finished result at once, even if the store has
	// moved on (Result.Stale); only a result never computed is waited for.
	Latest
	// Fresh is the result for the store version current when the query
	// arrived (or a later one), waited for within the caller's context.
	Fresh
)

// Result is a whole-network result as the Background engine serves it.
type Result[T any] struct {
	Value T
	// Snapshot is the snapshot the result was computed on. Rank and look
	// up actors on it, not on a newer one: node numbers differ between
	// versions.
	Snapshot *snapshot.Snapshot
	Info
}

// Info says when and how a result was computed.
type Info struct {
	Version    int64 // the store version computed on
	ComputedAt time.Time
	Stale      bool // the store had moved past Version when the result was served
	Estimate   Estimate
}

// BackgroundOptions tune a Background engine. Zero values take the
// defaults below.
type BackgroundOptions struct {
	// MaxResults bounds the results kept — one per scope, metric and
	// options dashboards asked for — least recently asked for going first.
	MaxResults int
	// Budget is the time one background computation may take (snapshot
	// included); it runs detached from the query that started it.
	Budget time.Duration
	// ExactLimit is the n·m (nodes × edges) above which betweenness is
	// estimated with a guarantee instead of computed exactly.
	ExactLimit int64
	// FreshLimit is the n·m up to which Auto means Fresh.
	FreshLimit int64
	// Epsilon and Delta are the estimate's guarantee: every normalised
	// betweenness is within ±Epsilon of the exact value with probability
	// at least 1 − Delta. Seed fixes the sample, so answers repeat.
	Epsilon, Delta float64
	Seed           uint64
	// Observe, when set, is told how long each computation took and
	// whether it failed (server metrics).
	Observe func(d time.Duration, err error)
	// Hook, when set, runs in each computation after its snapshot is taken
	// and before it computes; tests block in it to decide when a
	// computation proceeds. An error fails the computation.
	Hook func(ctx context.Context, version int64) error
	// Workers bounds the computations running at once (0: GOMAXPROCS).
	// The others wait their turn, and queries meanwhile get the newest
	// finished result or wait as they asked.
	Workers int
	// Threads bounds the cores one computation uses (0: all but one, at
	// least one), so that a long recomputation on a large network, which
	// writes keep restarting, leaves a core to path searches and reads.
	Threads int
}

// Defaults of BackgroundOptions. The budget is generous: a computation
// runs off the request path, and one that overruns leaves no result. The limits are thresholds on n·m rather
// than timings measured as the server runs, so that the method, and so the
// answer, depends on the network alone. Exact betweenness of ca-HepTh
// (n·m ≈ 2.6·10⁸) takes 2.1 s of CPU (BenchmarkBetweenness): about 1.2·10⁸
// n·m per core-second. ExactLimit is then about 8 s on 2 idle cores;
// FreshLimit about 40 ms of CPU, so the demo network and one partnership's
// network are always fresh.
const (
	DefaultBackgroundBudget       = 10 * time.Minute
	DefaultMaxResults             = 64
	DefaultExactLimit       int64 = 2_000_000_000
	DefaultFreshLimit       int64 = 10_000_000
	DefaultEpsilon                = 0.01
	DefaultDelta                  = 0.1
)

// Versions tells the store's current version; graph.Store is one.
type Versions interface {
	Version(ctx context.Context) (int64, error)
}

// Background computes whole-network results in the background, once per
// store version, for the results queries have asked for. A write does not
// start a computation; the next query, or the end of the computation under
// way, does: a computation that ends behind the store starts one more for
// the newest version, so a burst of writes costs at most one computation
// besides the one running. Queries get the newest finished result at once
// (Latest), or wait for the current version's (Fresh).
type Background struct {
	snaps    Snapshots
	versions Versions
	opt      BackgroundOptions

	// ctx ends at Close, stopping the computations under way, which
	// running counts so Close can wait for them: none may outlive the
	// store it reads.
	ctx     context.Context
	stop    context.CancelFunc
	running sync.WaitGroup
	slots   chan struct{} // one per computation allowed to run (Workers)

	mu     sync.Mutex
	jobs   map[any]*list.Element // job key → element of lru (*job)
	lru    list.List             // most recently asked for first
	closed bool                  // Close was called: nothing new starts
	// computed is closed, and replaced, whenever a computation finishes a
	// result newer than its job's last (Computed).
	computed chan struct{}

	Runs atomic.Int64 // computations started
}

// NewBackground returns an engine computing on snaps' snapshots, told the
// store version by versions.
func NewBackground(snaps Snapshots, versions Versions, opt BackgroundOptions) *Background {
	if opt.MaxResults <= 0 {
		opt.MaxResults = DefaultMaxResults
	}
	if opt.Budget <= 0 {
		opt.Budget = DefaultBackgroundBudget
	}
	if opt.ExactLimit <= 0 {
		opt.ExactLimit = DefaultExactLimit
	}
	if opt.FreshLimit <= 0 {
		opt.FreshLimit = DefaultFreshLimit
	}
	if opt.Epsilon <= 0 || opt.Epsilon >= 1 {
		opt.Epsilon = DefaultEpsilon
	}
	if opt.Delta <= 0 || opt.Delta >= 1 {
		opt.Delta = DefaultDelta
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Threads <= 0 {
		opt.Threads = max(1, runtime.GOMAXPROCS(0)-1)
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Background{snaps: snaps, versions: versions, opt: opt, jobs: map[any]*list.Element{}, ctx: ctx, stop: stop,
		slots: make(chan struct{}, opt.Workers), computed: make(chan struct{})}
}

// ErrClosed is what a query gets from a closed engine.
var ErrClosed = errors.New("insight: the analytics engine is closed")

// Close stops the computations under way and waits for them to end; later
// queries get ErrClosed. Call it before closing the store.
func (b *Background) Close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.stop()
	b.running.Wait()
}

// Computed returns a channel closed when a computation next finishes a
// newer result of any job: a subscriber asks again for the result it follows
// (Latest), and sees whether its version moved.
func (b *Background) Computed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.computed
}

// job is one result kept up to date: its newest finished value, and the
// computation under way if any.
type job struct {
	key     any
	scope   graph.Scope
	compute func(context.Context, *snapshot.Snapshot) (any, Estimate, error)

	latest  *finished     // newest finished result; nil until the first
	err     error         // the last computation's error, if it failed
	want    int64         // newest store version a query or a computation saw
	running bool          // a computation is under way
	ended   chan struct{} // closed, and replaced, when a computation ends
}

type finished struct {
	value    any
	snap     *snapshot.Snapshot
	at       time.Time
	estimate Estimate
}

// result returns the result of key, computed by compute on scope's
// snapshot, as consistency asks. Concurrent queries share computations.
func result[T any](ctx context.Context, b *Background, key any, scope graph.Scope, c Consistency,
	compute func(context.Context, *snapshot.Snapshot) (T, Estimate, error)) (*Result[T], error) {
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	now, err := b.versions.Version(ctx)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	j := b.job(key, scope, func(ctx context.Context, s *snapshot.Snapshot) (any, Estimate, error) { return compute(ctx, s) })
	j.want = max(j.want, now)
	for {
		if b.closed {
			b.mu.Unlock()
			return nil, ErrClosed
		}
		if j.latest == nil || j.latest.snap.Version < j.want {
			b.start(j)
		}
		if f := j.latest; f != nil && (f.snap.Version >= now || b.accepts(c, f.snap)) {
			b.mu.Unlock()
			info := Info{Version: f.snap.Version, ComputedAt: f.at, Stale: f.snap.Version < now, Estimate: f.estimate}
			return &Result[T]{Value: f.value.(T), Snapshot: f.snap, Info: info}, nil
		}
		ended := j.ended
		b.mu.Unlock()
		select {
		case <-ended:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		b.mu.Lock()
		if j.err != nil && (j.latest == nil || j.latest.snap.Version < now) {
			err := j.err
			b.mu.Unlock()
			return nil, err
		}
	}
}

// accepts reports whether a query asking for c takes a result computed on
// s, older than the store.
func (b *Background) accepts(c Consistency, s *snapshot.Snapshot) bool {
	switch c {
	case Latest:
		return true
	case Fresh:
		return false
	}
	return cost(s.G) > b.opt.FreshLimit
}

// job returns key's job, creating it if there is none, as the most
// recently used; b.mu is held.
func (b *Background) job(key any, scope graph.Scope, compute func(context.Context, *snapshot.Snapshot) (any, Estimate, error)) *job {
	if el := b.jobs[key]; el != nil {
		b.lru.MoveToFront(el)
		return el.Value.(*job)
	}
	j := &job{key: key, scope: scope, compute: compute, ended: make(chan struct{})}
	b.jobs[key] = b.lru.PushFront(j)
	for b.lru.Len() > b.opt.MaxResults {
		// A computation under way for an evicted job ends unseen; its
		// waiters still get its end.
		old := b.lru.Back()
		b.lru.Remove(old)
		delete(b.jobs, old.Value.(*job).key)
	}
	return j
}

// start starts j's computation unless one is under way; b.mu is held.
func (b *Background) start(j *job) {
	if j.running || b.closed {
		return
	}
	j.running = true
	b.Runs.Add(1)
	b.running.Add(1)
	go b.run(j)
}

// run computes j on the newest snapshot, records the result and, if the
// store moved on meanwhile, starts the next computation.
func (b *Background) run(j *job) {
	defer b.running.Done()
	ctx, cancel := context.WithTimeout(analysis.WithWorkers(b.ctx, b.opt.Threads), b.opt.Budget)
	defer cancel()
	began := time.Now()
	f, err := b.compute(ctx, j)
	if b.opt.Observe != nil {
		b.opt.Observe(time.Since(began), err)
	}
	now, verr := b.versions.Version(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	j.running, j.err = false, err
	if err == nil && (j.latest == nil || f.snap.Version >= j.latest.snap.Version) {
		j.latest = f
		close(b.computed)
		b.computed = make(chan struct{})
	}
	close(j.ended)
	j.ended = make(chan struct{})
	if err == nil && verr == nil {
		j.want = max(j.want, now)
		if f.snap.Version < j.want && b.jobs[j.key] != nil {
			b.start(j) // coalesces every write since this computation's snapshot
		}
	}
}

// compute takes the snapshot and computes j on it, a panic becoming an
// error: it runs on its own goroutine, where a panic would stop the server.
func (b *Background) compute(ctx context.Context, j *job) (f *finished, err error) {
	select {
	case b.slots <- struct{}{}:
		defer func() { <-b.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("insight: background computation panicked: %v", p)
		}
	}()
	s, err := b.snaps.Get(ctx, j.scope)
	if err != nil {
		return nil, err
	}
	if b.opt.Hook != nil {
		if err := b.opt.Hook(ctx, s.Version); err != nil {
			return nil, err
		}
	}
	v, est, err := j.compute(ctx, s)
	if err != nil {
		return nil, err
	}
	return &finished{value: v, snap: s, at: time.Now().UTC(), estimate: est}, nil
}

// Scores returns m's value for every node of scope (groups by for
// Brokerage), as consistency asks: betweenness exactly when n·m is within
// the engine's ExactLimit, estimated with its guarantee beyond.
func (b *Background) Scores(ctx context.Context, scope graph.Scope, m Metric, by Group, c Consistency) (*Result[*Scores], error) {
	if m < Betweenness || m > DeclaredBrokerage {
		return nil, graph.Errorf(graph.EINVALID, "metric", "unknown metric %d", m)
	}
	key := metricKey{m: m}
	if m == Brokerage {
		key.by = by
	}
	return result(ctx, b, backgroundKey{scope.Key(), key}, scope, c, func(ctx context.Context, s *snapshot.Snapshot) (*Scores, Estimate, error) {
		if m == Betweenness && cost(s.G) > b.opt.ExactLimit {
			v, est, err := estimateBetweenness(ctx, s.G, b.opt, s.Scope.Weighted)
			if err != nil {
				return nil, est, userError(err)
			}
			return defined(v), est, nil
		}
		sc, err := Compute(ctx, s, m, by)
		return sc, Estimate{}, err
	})
}

// rankedKey memoises the ranking of one result's scores.
type rankedKey struct {
	scores    *Scores
	ascending bool
}

// backgroundKey keys a Background job by scope and result.
type backgroundKey struct {
	scope  string
	result any
}

// Top ranks every actor of scope by m (groups by for Brokerage) and
// returns the first n, with the result they come from.
func (b *Background) Top(ctx context.Context, scope graph.Scope, m Metric, by Group, n int, c Consistency) ([]Ranked, *Result[*Scores], error) {
	res, err := b.Scores(ctx, scope, m, by, c)
	if err != nil {
		return nil, nil, err
	}
	// Ranked once per result, not per query: sorting a hundred thousand
	// actors, most of them tied, costs a dashboard's whole latency budget.
	rs, err := snapshot.Memo(ctx, res.Snapshot, rankedKey{res.Value, m.Ascending()}, func(context.Context) ([]Ranked, error) {
		return Rank(res.Snapshot, res.Value, m.Ascending(), allNodes(res.Snapshot)), nil
	})
	if err != nil {
		return nil, nil, err
	}
	k := min(n, len(rs))
	return rs[:k:k], res, nil // capped: the ranking is shared
}

// Partition returns scope's communities as q asks, as consistency asks,
// with Info set.
func (b *Background) Partition(ctx context.Context, scope graph.Scope, q CommunityQuery, c Consistency) (*Partition, error) {
	res, err := result(ctx, b, backgroundKey{scope.Key(), communitiesKey{q}}, scope, c, func(ctx context.Context, s *snapshot.Snapshot) (*Partition, Estimate, error) {
		p, err := NewPartition(ctx, s, q)
		return p, Estimate{}, err
	})
	if err != nil {
		return nil, err
	}
	p := *res.Value // the kept partition is shared: Info is this answer's
	p.Info = &res.Info
	return &p, nil
}

type summaryKey struct{}

// Summary describes scope's network as consistency asks, with Info set.
func (b *Background) Summary(ctx context.Context, scope graph.Scope, c Consistency) (*Summary, error) {
	res, err := result(ctx, b, backgroundKey{scope.Key(), summaryKey{}}, scope, c, func(_ context.Context, s *snapshot.Snapshot) (*Summary, Estimate, error) {
		return Summarise(s), Estimate{}, nil
	})
	if err != nil {
		return nil, err
	}
	sm := *res.Value // the kept summary is shared: Info is this answer's
	sm.Info, sm.Consistency = &res.Info, c
	return &sm, nil
}
