package server

import (
	"context"
	"runtime"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
)

// codeOverloaded refuses an analytics or path field when the queue of such
// work is full.
const codeOverloaded = "OVERLOADED"

// WorkLimits bound the analytics and path fields (analyticsFields in
// metrics.go) computing at once, whoever asks: one request of 24 scoped
// betweenness fields once took 25 CPU-seconds, and a key may send 50 a
// second. Zero fields take the defaults.
type WorkLimits struct {
	Workers int // fields computing at once (default: the number of CPUs)
	Queue   int // fields waiting for a worker beyond them (default 64)
}

func (w WorkLimits) withDefaults() WorkLimits {
	if w.Workers <= 0 {
		w.Workers = runtime.NumCPU()
	}
	if w.Queue <= 0 {
		w.Queue = 64
	}
	return w
}

// workPool admits analytics and path fields: Workers run, Queue wait (until
// their request's deadline), and the rest are refused with OVERLOADED at
// once, so that cheap queries keep their share of the CPUs.
type workPool struct {
	running  chan struct{}
	admitted chan struct{} // running or waiting
}

func newWorkPool(w WorkLimits) *workPool {
	w = w.withDefaults()
	return &workPool{running: make(chan struct{}, w.Workers), admitted: make(chan struct{}, w.Workers+w.Queue)}
}

// engineFields are analytics fields the background engine answers
// (graph/insight/background.go): it bounds its own computations, and a
// field waiting for one uses no CPU, so holding a worker meanwhile would
// only make path searches queue behind a dashboard's rankings.
var engineFields = map[fieldKey]bool{
	{"Query", "brokers"}: true, {"Query", "brokerageRoles"}: true, {"Query", "structuralHoles"}: true,
	{"Query", "networkSummary"}: true, {"NetworkSummary", "topBrokers"}: true,
}

// around is a gqlgen field middleware.
func (p *workPool) around(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return next(ctx)
	}
	if k := (fieldKey{fc.Object, fc.Field.Name}); !analyticsFields[k] || engineFields[k] {
		return next(ctx)
	}
	select {
	case p.admitted <- struct{}{}:
		defer func() { <-p.admitted }()
	default:
		return nil, graph.Errorf(codeOverloaded, "", "the server is busy with other analytics and path searches: retry in a few seconds")
	}
	select {
	case p.running <- struct{}{}:
		defer func() { <-p.running }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return next(ctx)
}
