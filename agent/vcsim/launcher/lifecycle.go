package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"
)

// waitForExit blocks until SIGTERM/SIGINT or, when watchStdin is set, until
// stdin reaches EOF: a parent that dies closes our stdin, so no simulator leaks.
func waitForExit(watchStdin bool) string {
	done := make(chan string, 2)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-signals
		done <- sig.String()
	}()
	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			done <- "stdin closed"
		}()
	}
	return <-done
}
