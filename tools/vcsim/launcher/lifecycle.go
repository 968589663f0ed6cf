package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"
)

// watchExit starts watching for SIGTERM/SIGINT and, when watchStdin is set,
// for EOF on stdin: a parent that dies closes our stdin, so no simulator
// leaks. Call it before announcing readiness, or an early SIGTERM would hit
// Go's default handler instead. The channel yields the reason.
func watchExit(watchStdin bool) <-chan string {
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
	return done
}
