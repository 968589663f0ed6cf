package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"
)

// config is everything the command line can set; parsed once at start.
type config struct {
	listen             string
	tls                bool
	certDir            string
	username           string
	password           string
	sessionIdleTimeout time.Duration
	templatePath       string
	guestBootDelay     time.Duration
	guestLinkLocal     time.Duration
	guestShutdownDelay time.Duration
	taskDelays         map[string]time.Duration
	stock              bool
	stdinExit          bool
	verbose            bool
	scale              scale
}

func parseFlags(args []string) (config, error) {
	var cfg config
	var taskDelays, scaleSpec string
	fs := flag.NewFlagSet("vcsim-launcher", flag.ContinueOnError)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8989", "address to listen on (port 0 picks a free port)")
	fs.BoolVar(&cfg.tls, "tls", true, "serve HTTPS with a freshly generated certificate")
	fs.StringVar(&cfg.certDir, "cert-dir", "", "directory for cert.pem/key.pem (default: a temporary directory removed at exit)")
	fs.StringVar(&cfg.username, "username", "", "required user name (empty: any non-empty user/password pair is accepted)")
	fs.StringVar(&cfg.password, "password", "", "required password (set together with -username)")
	fs.DurationVar(&cfg.sessionIdleTimeout, "session-idle-timeout", 30*time.Minute, "idle time after which a session expires (0: never)")
	fs.StringVar(&cfg.templatePath, "template", "/DC0/vm/ubuntu-22.04-tmpl", "inventory path of the template prepared at start (empty: none)")
	fs.DurationVar(&cfg.guestBootDelay, "guest-boot-delay", time.Second, "time from power-on until VMware Tools and an IP address appear")
	fs.DurationVar(&cfg.guestLinkLocal, "guest-link-local", 0, "after booting, how long the guest reports only link-local addresses (169.254/16, fe80::/10) before its real one (0: none)")
	fs.DurationVar(&cfg.guestShutdownDelay, "guest-shutdown-delay", 300*time.Millisecond, "time a guest takes to act on ShutdownGuest or RebootGuest")
	fs.StringVar(&taskDelays, "task-delay", "", "per-method async task durations, e.g. CloneVM_Task=2s,ReconfigVM_Task=200ms")
	fs.BoolVar(&cfg.stock, "stock", false, "plain library behaviour: no guest, task, clone or fault-handling emulation")
	fs.BoolVar(&cfg.stdinExit, "stdin-exit", true, "exit when stdin is closed (so a dead parent never leaks a simulator)")
	fs.BoolVar(&cfg.verbose, "verbose", false, "also log the library's own messages to stderr")
	fs.StringVar(&scaleSpec, "scale", "", "a larger inventory: folders=N,pools=N,networks=N,templates=N (VM folders, resource pools, distributed portgroups, templates)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if (cfg.username == "") != (cfg.password == "") {
		return cfg, errors.New("-username and -password must be set together")
	}
	delays, err := parseTaskDelays(taskDelays)
	if err != nil {
		return cfg, err
	}
	cfg.taskDelays = delays
	if cfg.scale, err = parseScale(scaleSpec); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// parseTaskDelays reads "Method=duration,Method=duration".
func parseTaskDelays(s string) (map[string]time.Duration, error) {
	delays := map[string]time.Duration{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.SplitN(item, "=", 2)
		if len(parts) != 2 || parts[0] == "" {
			return nil, fmt.Errorf("-task-delay: %q is not Method=duration", item)
		}
		d, err := time.ParseDuration(parts[1])
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-task-delay: bad duration in %q", item)
		}
		delays[parts[0]] = d
	}
	return delays, nil
}
