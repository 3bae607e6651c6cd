// Command partnergraph serves and analyses partnership networks.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := NewCommand().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "partnergraph:", err)
		os.Exit(1)
	}
}
