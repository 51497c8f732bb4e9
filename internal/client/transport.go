package client

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/go-cleanhttp"
)

// newTransport returns a pooled transport whose TLS configuration verifies
// the server against the system pool plus caPEM, unless insecure is set.
func newTransport(insecure bool, caPEM string) (*http.Transport, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if insecure {
		// The user asked for it explicitly (insecure = true).
		tlsConfig.InsecureSkipVerify = true //nolint:gosec // Opt-in, documented as unsafe.
	}
	if strings.TrimSpace(caPEM) != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		certs, err := parseCertificates(caPEM)
		if err != nil {
			return nil, err
		}
		for _, cert := range certs {
			pool.AddCert(cert)
		}
		tlsConfig.RootCAs = pool
	}
	t := cleanhttp.DefaultPooledTransport()
	t.TLSClientConfig = tlsConfig
	return t, nil
}

// parseCertificates reads every CERTIFICATE block of a PEM bundle.
func parseCertificates(caPEM string) ([]*x509.Certificate, error) {
	rest := []byte(caPEM)
	var certs []*x509.Certificate
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("ca_certificate: PEM block %d is a %q, expected a CERTIFICATE", n, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("ca_certificate: PEM block %d is not a valid X.509 certificate: %w", n, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("ca_certificate: no PEM certificate found (expected -----BEGIN CERTIFICATE-----)")
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, errors.New("ca_certificate: unexpected text after the last PEM certificate")
	}
	return certs, nil
}
