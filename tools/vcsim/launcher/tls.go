package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// serverCert is the per-start certificate and where it was written.
type serverCert struct {
	tls      tls.Certificate
	certFile string
	keyFile  string
	sha256   string
	sha1     string
}

// generateCert makes a fresh ECDSA P-256 self-signed certificate. The library's
// built-in httptest certificate is RSA-1024, which OpenSSL's default security
// level refuses, so clients could not verify it without lowering their guard.
// CA:true lets the same file serve as the trust anchor (`ca` in node:https).
func generateCert(dir string) (*serverCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "gantry vcsim", Organization: []string{"Gantry"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	cert := &serverCert{
		certFile: filepath.Join(dir, "cert.pem"),
		keyFile:  filepath.Join(dir, "key.pem"),
		sha256:   thumbprint(sha256Sum(der)),
		sha1:     thumbprint(sha1Sum(der)),
	}
	if err := os.WriteFile(cert.certFile, certPEM, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(cert.keyFile, keyPEM, 0o600); err != nil {
		return nil, err
	}
	cert.tls, err = tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return cert, nil
}

func sha256Sum(der []byte) []byte {
	s := sha256.Sum256(der)
	return s[:]
}

func sha1Sum(der []byte) []byte {
	s := sha1.Sum(der)
	return s[:]
}

// thumbprint formats a digest as vCenter shows it: "AA:BB:...".
func thumbprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// certBase64 is the DER certificate as the SessionManager reports it.
func certBase64(cert *serverCert) string {
	return base64.StdEncoding.EncodeToString(cert.tls.Certificate[0])
}
