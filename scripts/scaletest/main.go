// Command scaletest is the Go half of scripts/scale-test: it generates the
// network and drives a running server. scripts/scale-test does the rest
// (build, import into each backend, start and stop the servers).
//
//	scaletest generate [--links N] [--seed S] --output FILE
//	scaletest load --url URL [--clients N] [--duration D] [--seed S] [--pid PID] [--probe D]
//	scaletest snapshot --neo4j-uri URI [--runs N] [--every D]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph/internal/partnernet"
	"github.com/partnergraph/partnergraph/internal/scaleload"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: scaletest generate|load|snapshot [flags] (-h for the flags)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "generate":
		err = generate(os.Args[2:])
	case "load":
		err = load(ctx, os.Args[2:])
	case "snapshot":
		err = snapshotBench(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want generate, load or snapshot", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scaletest:", err)
		os.Exit(1)
	}
}

func generate(args []string) error {
	fl := flag.NewFlagSet("generate", flag.ExitOnError)
	links := fl.Int("links", 1_000_000, "links to generate (about one actor per ten links)")
	seed := fl.Uint64("seed", 1, "random seed: the same seed and size give the same file")
	output := fl.String("output", "", "file to write (partnergraph's JSON format; required)")
	fl.Parse(args)
	if *output == "" {
		return fmt.Errorf("generate: --output is required")
	}
	f, err := os.Create(*output)
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := partnernet.Write(f, partnernet.Options{Links: *links, Seed: *seed})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*output)
		return err
	}
	fmt.Printf("generated %d actors (%d organisations, %d people), %d programmes, %d participations, %d links in %s\n",
		st.Actors(), st.Organisations, st.People, st.Programmes, st.Participations, st.Links, time.Since(start).Round(time.Millisecond))
	return nil
}

func load(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("load", flag.ExitOnError)
	var cfg scaleload.Config
	fl.StringVar(&cfg.URL, "url", "", "base URL of the partnergraph server (required)")
	fl.IntVar(&cfg.Clients, "clients", 50, "concurrent clients")
	fl.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long the clients send requests")
	fl.Uint64Var(&cfg.Seed, "seed", 1, "seed of the clients' choices")
	fl.IntVar(&cfg.PID, "pid", 0, "the server's process ID, to sample its resident memory")
	fl.DurationVar(&cfg.Probe, "probe", 2*time.Second, "interval between write-visibility probes (0: none)")
	fl.IntVar(&cfg.WriteShare, "writes", 10, "share of requests that write, in percent")
	fl.Parse(args)
	if cfg.URL == "" {
		return fmt.Errorf("load: --url is required")
	}
	before := loadAverage()
	rep, err := scaleload.Run(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	fmt.Printf("machine load average (1, 5, 15 min): %s before, %s after\n", before, loadAverage())
	return nil
}

// loadAverage is the machine's, from /proc (Linux): on a shared machine
// it says how much of the CPU the run could have had.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
