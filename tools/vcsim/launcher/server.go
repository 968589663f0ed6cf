package main

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vmware/govmomi/simulator"
)

// frontServer is the one HTTP(S) server clients see: SOAP under /sdk (through
// our interception), the control API under /_gantry/, the rest of the library's mux.
type frontServer struct {
	server *http.Server
	url    string
}

// serve starts answering on ln (opened first thing at start, so a busy port
// fails fast and nobody else takes it while the model is built).
func (l *launcher) serve(ln net.Listener, cert *serverCert) *frontServer {
	u := advertisedURL(ln.Addr(), cert != nil)
	l.advertise(u)

	mux := http.NewServeMux()
	mux.Handle("/_gantry/", l.controlHandler())
	mux.Handle("/", l.sdkFront())
	server := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 30 * time.Second,
		// "http: TLS handshake error" lines from probing clients are noise
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if cert != nil {
		simulator.Map.SessionManager().TLSCert = func() string { return certBase64(cert) }
		// no h2 in NextProtos: HTTP/1.1 keeps Hijack (fault "drop") available
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert.tls}, MinVersion: tls.VersionTLS12})
	}
	go func() {
		if err := server.Serve(ln); err != nil && err != http.ErrServerClosed {
			logf("serve: %v", err)
		}
	}()
	return &frontServer{server: server, url: u.String()}
}

func (f *frontServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// long WaitForUpdatesEx calls would hold a graceful shutdown; close after a grace period
	if err := f.server.Shutdown(ctx); err != nil {
		_ = f.server.Close()
	}
}

// advertisedURL is the SDK URL clients should use; a wildcard listen address
// is advertised as loopback, which the certificate covers.
func advertisedURL(addr net.Addr, secure bool) *url.URL {
	host, port := "127.0.0.1", "0"
	if tcp, ok := addr.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
		if !tcp.IP.IsUnspecified() {
			host = tcp.IP.String()
		}
	}
	scheme := "http"
	if secure {
		scheme = "https"
	}
	return &url.URL{Scheme: scheme, Host: net.JoinHostPort(host, port), Path: "/sdk"}
}
