// Command launcher runs govmomi's vCenter simulator (vcsim) as a realistic local
// vCenter for Gantry's tests, development and benchmarks. Debian ships the
// simulator library but no vcsim command, hence this small program. It prints
// one JSON "ready" line on stdout; everything else goes to stderr.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"

	"github.com/vmware/govmomi/simulator"
)

// readyLine is the one line a parent process waits for (parsed with zod in vcsim.ts).
type readyLine struct {
	Event        string `json:"event"`
	URL          string `json:"url"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	CertFile     string `json:"certFile,omitempty"`
	KeyFile      string `json:"keyFile,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
	SHA1         string `json:"sha1,omitempty"`
	TemplatePath string `json:"templatePath"`
	Stock        bool   `json:"stock"`
	PID          int    `json:"pid"`
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		logf("%v", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	exit := watchExit(cfg.stdinExit)
	configureLogging(cfg.verbose)
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	simulator.SessionIdleTimeout = cfg.sessionIdleTimeout
	model := simulator.VPX()
	cfg.scale.applyToModel(model)
	if err := model.Create(); err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	// removes the model's temporary datastore directory
	defer model.Remove()

	ctx := context.Background()
	l, err := newLauncher(ctx, cfg, model)
	if err != nil {
		return err
	}
	if cfg.templatePath != "" {
		if err := l.prepareTemplate(ctx, cfg.templatePath); err != nil {
			return fmt.Errorf("prepare template %s: %w", cfg.templatePath, err)
		}
	}
	if err := l.populate(ctx, cfg.scale); err != nil {
		return fmt.Errorf("scale the inventory: %w", err)
	}
	l.startEmulation()

	cert, cleanup, err := certificate(cfg)
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	defer cleanup()

	front := l.serve(ln, cert)
	defer front.close()

	ready := readyLine{
		Event:        "ready",
		URL:          front.url,
		Username:     l.username(),
		Password:     l.password(),
		TemplatePath: cfg.templatePath,
		Stock:        cfg.stock,
		PID:          os.Getpid(),
	}
	if cert != nil {
		ready.CertFile, ready.KeyFile = cert.certFile, cert.keyFile
		ready.SHA256, ready.SHA1 = cert.sha256, cert.sha1
	}
	line, err := json.Marshal(ready)
	if err != nil {
		return err
	}
	fmt.Println(string(line))

	reason := <-exit
	logf("stopping (%s)", reason)
	return nil
}

// certificate generates the per-start certificate when TLS is on; without
// -cert-dir it lives in a temporary directory that cleanup removes.
func certificate(cfg config) (*serverCert, func(), error) {
	if !cfg.tls {
		return nil, func() {}, nil
	}
	dir, cleanup := cfg.certDir, func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gantry-vcsim-cert-")
		if err != nil {
			return nil, nil, err
		}
		dir, cleanup = tmp, func() { _ = os.RemoveAll(tmp) }
	}
	cert, err := generateCert(dir)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return cert, cleanup, nil
}
