package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// progressFlags choose whether long imports and exports show a progress
// bar: on a terminal unless --quiet; elsewhere (scripts, logs) only with
// --progress.
type progressFlags struct {
	quiet, force bool
}

func (f *progressFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "no progress bar")
	cmd.Flags().BoolVar(&f.force, "progress", false, "show the progress bar even when standard error is not a terminal")
}

// progress draws one bar per phase, with rows per second, on standard
// error.
type progress struct {
	w     io.Writer
	on    bool
	phase string
	bar   *progressbar.ProgressBar
}

func (f progressFlags) progress(cmd *cobra.Command) *progress {
	w := cmd.ErrOrStderr()
	on := f.force
	if file, ok := w.(*os.File); ok && !f.quiet && term.IsTerminal(int(file.Fd())) {
		on = true
	}
	return &progress{w: w, on: on && !f.quiet}
}

// update shows rows done in phase, out of total if known (> 0).
func (p *progress) update(phase string, rows, total int64, done bool) {
	if !p.on {
		return
	}
	if p.bar == nil || p.phase != phase {
		p.finish()
		max := total
		if max <= 0 {
			max = -1 // a spinner with the count
		}
		p.phase = phase
		p.bar = progressbar.NewOptions64(max, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(phase),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSpinnerType(14),
			progressbar.OptionShowElapsedTimeOnFinish(), progressbar.OptionSetWidth(30))
	}
	p.bar.Set64(rows)
	if done {
		p.finish()
	}
}

func (p *progress) finish() {
	if p.bar == nil {
		return
	}
	p.bar.Finish()
	fmt.Fprintln(p.w)
	p.bar = nil
}
