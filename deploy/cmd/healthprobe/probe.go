package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
)

// servingStatus is grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING.
const servingStatus = 1

var statusNames = map[uint64]string{0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}

// probe asks the server once and returns nil when it is healthy.
func (p probe) probe(ctx context.Context) error {
	client, scheme, err := p.client()
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	if p.httpPath != "" {
		return p.get(ctx, client, scheme+"://"+p.addr+p.httpPath)
	}
	return p.check(ctx, client, scheme+"://"+p.addr+"/grpc.health.v1.Health/Check")
}

// check calls grpc.health.v1.Health/Check with the gRPC wire format: a length-prefixed
// HealthCheckRequest{service} in, a HealthCheckResponse{status} and grpc-status out.
func (p probe) check(ctx context.Context, client *http.Client, url string) error {
	msg := []byte{}
	if p.service != "" {
		msg = binary.AppendUvarint(append(msg, 0x0a), uint64(len(p.service))) // field 1, bytes
		msg = append(msg, p.service...)
	}
	body := binary.BigEndian.AppendUint32([]byte{0}, uint32(len(msg))) //nolint:gosec // a service name is short
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(append(body, msg...)))
	if err != nil {
		return fmt.Errorf("health check request: %w", err)
	}
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health check %s: %w", p.addr, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return fmt.Errorf("health check %s: read the answer: %w", p.addr, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check %s: HTTP status %s", p.addr, resp.Status)
	}
	code, message := resp.Trailer.Get("Grpc-Status"), resp.Trailer.Get("Grpc-Message")
	if code == "" { // a trailers-only answer carries them in the headers
		code, message = resp.Header.Get("Grpc-Status"), resp.Header.Get("Grpc-Message")
	}
	if code != "0" {
		return fmt.Errorf("health check %s: gRPC status %s %s", p.addr, code, message)
	}
	status, err := responseStatus(data)
	if err != nil {
		return fmt.Errorf("health check %s: %w", p.addr, err)
	}
	if status != servingStatus {
		return fmt.Errorf("health check %s: service %q is %s", p.addr, p.service, statusName(status))
	}
	return nil
}

func statusName(s uint64) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("status %d", s)
}

// responseStatus decodes the one framed, uncompressed HealthCheckResponse: field 1 (varint) is
// the status; an absent field is 0 (UNKNOWN), other fields are skipped when they are varints.
func responseStatus(data []byte) (uint64, error) {
	if len(data) < 5 || data[0] != 0 || int(binary.BigEndian.Uint32(data[1:5])) != len(data)-5 {
		return 0, fmt.Errorf("not one uncompressed gRPC message (%d bytes)", len(data))
	}
	msg, status := data[5:], uint64(0)
	for len(msg) > 0 {
		tag, n := binary.Uvarint(msg)
		if n <= 0 || tag&7 != 0 {
			return 0, errors.New("malformed HealthCheckResponse")
		}
		v, m := binary.Uvarint(msg[n:])
		if m <= 0 {
			return 0, errors.New("malformed HealthCheckResponse")
		}
		if tag>>3 == 1 {
			status = v
		}
		msg = msg[n+m:]
	}
	return status, nil
}

// get is the HTTP probe: a 2xx answer to GET url is healthy.
func (p probe) get(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("http probe request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("http probe %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("http probe %s: %s", url, resp.Status)
	}
	return nil
}

// client returns the HTTP client and URL scheme: HTTP/2 over TLS, or, with plaintext, HTTP/2
// with prior knowledge for gRPC (HTTP/1.1 for -http-path).
func (p probe) client() (*http.Client, string, error) {
	var protocols http.Protocols
	tr := &http.Transport{DisableCompression: true, Proxy: nil}
	if p.plaintext {
		protocols.SetHTTP1(p.httpPath != "")
		protocols.SetUnencryptedHTTP2(p.httpPath == "")
		tr.Protocols = &protocols
		return &http.Client{Transport: tr}, "http", nil
	}
	cfg, err := p.tlsConfig()
	if err != nil {
		return nil, "", err
	}
	protocols.SetHTTP2(true)
	protocols.SetHTTP1(p.httpPath != "")
	tr.Protocols, tr.TLSClientConfig = &protocols, cfg
	return &http.Client{Transport: tr}, "https", nil
}

func (p probe) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: p.serverName}
	if p.caFile != "" {
		pem, err := os.ReadFile(p.caFile)
		if err != nil {
			return nil, fmt.Errorf("tls-ca: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls-ca: no PEM certificate in %s", p.caFile)
		}
	}
	if p.certFile != "" {
		kp, err := tls.LoadX509KeyPair(p.certFile, p.keyFile)
		if err != nil {
			return nil, fmt.Errorf("tls-cert, tls-key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{kp}
	}
	if p.serverName == "" && loopback(p.addr) {
		// The certificate names the service, not 127.0.0.1: verify its chain, not its name.
		cfg.InsecureSkipVerify = true //nolint:gosec // the chain is verified below, against RootCAs
		cfg.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChain(cs, cfg.RootCAs) }
	}
	return cfg, nil
}

func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	if err != nil {
		return fmt.Errorf("the server's certificate: %w", err)
	}
	return nil
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
