package main

import (
	"io"
	"log"
	"os"
)

// launcherLog carries our own messages; the library's chatty standard-logger
// output (a line per PropertyCollector update) is discarded unless -verbose.
var launcherLog = log.New(os.Stderr, "vcsim launcher: ", log.LstdFlags)

func logf(format string, args ...any) {
	launcherLog.Printf(format, args...)
}

func configureLogging(verbose bool) {
	if !verbose {
		log.SetOutput(io.Discard)
	}
}
