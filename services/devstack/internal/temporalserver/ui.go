package temporalserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// startUI serves the Temporal Web UI (the ui-server module, assets embedded) on o.UIPort. What
// ui-server would answer with log.Fatal (a port taken, an unreadable certificate, an issuer
// without discovery) is checked first and returned. It waits up to 10s (less if ctx ends
// first) for the UI to answer.
func (s *Server) startUI(ctx context.Context, o Options) error {
	port, err := portOrFree(o.IP, o.UIPort)
	if err != nil {
		return err
	}
	if err := checkFree(o.IP, port); err != nil {
		return fmt.Errorf("temporal ui: %w", err)
	}
	probe, err := uiProbeTLS(o.UITLS, o.IP)
	if err != nil {
		return err
	}
	if o.UIAuth != nil {
		if err := o.UIAuth.checkDiscovery(ctx); err != nil {
			return err
		}
	}
	s.uiAddr = net.JoinHostPort(o.IP, strconv.Itoa(port))
	if o.UITLS != nil {
		s.uiURL = "https://" + s.uiAddr
	} else {
		s.uiURL = "http://" + s.uiAddr
	}
	cfg := s.uiConfig(o, port)
	s.ui = uiserver.NewServer(uioptions.WithConfigProvider(&cfg))
	s.uiDone = make(chan struct{})
	go func() {
		defer close(s.uiDone)
		_ = s.ui.Start()
	}()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := waitHTTP(ctx, probe, s.uiURL+"/"); err != nil {
		s.ui.Stop()
		return fmt.Errorf("temporal ui: %w", err)
	}
	return nil
}

// uiConfig is ui-server's configuration: the frontend reached over TLS with the client
// certificate when o.TLS is set, its own listener on HTTPS with o.UITLS, sign-in with o.UIAuth.
func (s *Server) uiConfig(o Options, port int) uiconfig.Config {
	cfg := uiconfig.Config{
		Host: o.IP, Port: port, TemporalGRPCAddress: s.frontend, EnableUI: true,
		DefaultNamespace: o.Namespace, DisableNewsFetch: true, HideLogs: true,
		CORS: uiconfig.CORS{CookieInsecure: o.UITLS == nil},
	}
	if t := o.TLS; t != nil {
		// ServerName makes ui-server use TLS even with neither a CA file nor a client certificate.
		cfg.TLS = uiconfig.TLS{CaFile: t.serverCAFile(), CertFile: t.ClientCertFile, KeyFile: t.ClientKeyFile,
			EnableHostVerification: true, ServerName: o.IP}
	}
	if k := o.UITLS; k != nil {
		cfg.UIServerTLS = uiconfig.UIServerTLS{CertFile: k.CertFile, KeyFile: k.KeyFile}
	}
	if a := o.UIAuth; a != nil {
		cfg.Auth = a.uiAuth(s.uiURL)
	}
	if c := o.UICodec; c != nil {
		cfg.Codec = uiconfig.Codec{Endpoint: c.Endpoint, PassAccessToken: c.PassAccessToken, IncludeCredentials: c.IncludeCredentials}
	}
	return cfg
}

// uiProbeTLS reads the UI's certificate, checks it names ip, and returns the client TLS
// configuration of the readiness probe: trusting exactly that certificate. Nil k gives nil.
func uiProbeTLS(k *KeyPair, ip string) (*tls.Config, error) {
	if k == nil {
		return nil, nil
	}
	c, err := tls.LoadX509KeyPair(k.CertFile, k.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("temporal ui tls cert file and key file: %w", err)
	}
	if err := c.Leaf.VerifyHostname(ip); err != nil {
		return nil, fmt.Errorf("temporal ui tls cert file: must be valid for %s: %w", ip, err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(c.Leaf)
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}, nil
}

// waitHTTP polls url until it answers or ctx ends; tlsCfg (nil for plain HTTP) verifies it.
func waitHTTP(ctx context.Context, tlsCfg *tls.Config, url string) error {
	transport := &http.Transport{TLSClientConfig: tlsCfg}
	defer transport.CloseIdleConnections()
	c := &http.Client{Transport: transport}
	return poll(ctx, url, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	})
}
