// Command hactl brings up a high-availability web stack on one Docker host,
// proves it works, breaks it on purpose and measures what survives.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hactl/hactl/cli/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	code := app.Run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
