package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// probe is one health check as the flags describe it.
type probe struct {
	addr       string
	service    string
	httpPath   string
	timeout    time.Duration
	caFile     string
	certFile   string
	keyFile    string
	serverName string
	plaintext  bool
}

// parse reads the flags; each flag left unset takes HEALTHPROBE_<NAME>, then (TLS and plaintext)
// the service's own <PREFIX>_TLS_CA (or _TLS_CLIENT_CA, or the event store's _TLS_CA_FILE),
// <PREFIX>_TLS_CERT, <PREFIX>_TLS_KEY and <PREFIX>_INSECURE.
func parse(args []string, getenv func(string) string, out io.Writer) (probe, error) {
	var p probe
	var plaintext, prefix string
	fs := flag.NewFlagSet("healthprobe", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&p.addr, "addr", getenv("HEALTHPROBE_ADDR"), "host:port of the server (HEALTHPROBE_ADDR)")
	fs.StringVar(&p.service, "service", getenv("HEALTHPROBE_SERVICE"), "service name asked about (empty: the server as a whole)")
	fs.StringVar(&p.httpPath, "http-path", getenv("HEALTHPROBE_HTTP_PATH"), "GET this path over HTTP instead of the gRPC health check (e.g. /metrics)")
	fs.DurationVar(&p.timeout, "timeout", 5*time.Second, "give up after this long")
	fs.StringVar(&prefix, "env-prefix", getenv("HEALTHPROBE_ENV_PREFIX"), "take TLS settings from the service's variables PREFIX_TLS_CA, _TLS_CERT, _TLS_KEY, _INSECURE")
	fs.StringVar(&p.caFile, "tls-ca", "", "CA bundle (PEM) the server's certificate is verified against")
	fs.StringVar(&p.certFile, "tls-cert", "", "client certificate (PEM) presented to the server")
	fs.StringVar(&p.keyFile, "tls-key", "", "the private key (PEM) of -tls-cert")
	fs.StringVar(&p.serverName, "tls-server-name", getenv("HEALTHPROBE_TLS_SERVER_NAME"), "name expected in the server's certificate")
	fs.StringVar(&plaintext, "plaintext", "", "true: no TLS (HTTP/2 without TLS for gRPC)")
	if err := fs.Parse(args); err != nil {
		return p, fmt.Errorf("flags: %w", err)
	}
	fill := func(dst *string, names ...string) {
		for _, n := range names {
			if *dst == "" && n != "" {
				*dst = getenv(n)
			}
		}
	}
	svc := func(name string) string {
		if prefix == "" {
			return ""
		}
		return strings.TrimSuffix(prefix, "_") + "_" + name
	}
	fill(&p.caFile, "HEALTHPROBE_TLS_CA", svc("TLS_CA"), svc("TLS_CLIENT_CA"), svc("TLS_CA_FILE"))
	fill(&p.certFile, "HEALTHPROBE_TLS_CERT", svc("TLS_CERT"))
	fill(&p.keyFile, "HEALTHPROBE_TLS_KEY", svc("TLS_KEY"))
	fill(&plaintext, "HEALTHPROBE_PLAINTEXT", svc("INSECURE"))
	var errs []error
	if plaintext != "" {
		b, err := strconv.ParseBool(plaintext)
		if err != nil {
			errs = append(errs, fmt.Errorf("plaintext: must be true or false, not %q", plaintext))
		}
		p.plaintext = b
	}
	if _, _, err := net.SplitHostPort(p.addr); err != nil {
		errs = append(errs, fmt.Errorf("addr: must be host:port, not %q", p.addr))
	}
	if p.httpPath != "" && !strings.HasPrefix(p.httpPath, "/") {
		errs = append(errs, fmt.Errorf("http-path: must start with /, not %q", p.httpPath))
	}
	if (p.certFile == "") != (p.keyFile == "") {
		errs = append(errs, errors.New("tls-cert, tls-key: must be set together"))
	}
	if p.timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout: must be positive, not %s", p.timeout))
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	return p, errors.Join(errs...)
}
