package prodshape

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/nhs-pathways/pathways/services/platform/devca"
)

// clientTLS trusts the shape's CA and presents no certificate (a person's client).
func clientTLS(ca *devca.Bundle) (*tls.Config, error) {
	pem, err := os.ReadFile(ca.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no certificate", ca.CAFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// scraperTLS is clientTLS with the "prometheus" certificate: /metrics serves that identity only.
func scraperTLS(ca *devca.Bundle) (*tls.Config, error) {
	c, err := clientTLS(ca)
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(ca.Cert("prometheus"), ca.Key("prometheus"))
	if err != nil {
		return nil, fmt.Errorf("prometheus certificate: %w", err)
	}
	c.Certificates = []tls.Certificate{cert}
	return c, nil
}

// invoke makes one unary call on a fresh connection (so a restarted server is reached anew).
func invoke(ctx context.Context, addr string, conf *tls.Config, method string, req, reply any) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(conf)))
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.Invoke(ctx, method, req, reply); err != nil {
		return fmt.Errorf("%s on %s: %w", method, addr, err)
	}
	return nil
}

// grpcHealth asks addr's grpc.health.v1 service for the server's overall health.
func grpcHealth(addr string, conf *tls.Config) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		var res healthpb.HealthCheckResponse
		if err := invoke(ctx, addr, conf, healthpb.Health_Check_FullMethodName, &healthpb.HealthCheckRequest{}, &res); err != nil {
			return err
		}
		if res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("health of %s: %s", addr, res.GetStatus())
		}
		return nil
	}
}

// eventStoreFeatures asks the event store which methods it supports (the EventStoreDB
// protocol's ServerFeatures call; the event store has no grpc.health service).
func eventStoreFeatures(addr string, conf *tls.Config) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return invoke(ctx, addr, conf, "/event_store.client.server_features.ServerFeatures/GetSupportedMethods", &emptypb.Empty{}, &emptypb.Empty{})
	}
}

// metricsOK gets https://addr/metrics with the scraper's certificate.
func metricsOK(addr string, conf *tls.Config) func(ctx context.Context) error {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = conf
	tr.DisableKeepAlives = true
	client := &http.Client{Transport: tr}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/metrics", http.NoBody)
		if err != nil {
			return fmt.Errorf("metrics request: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("GET /metrics of %s: %w", addr, err)
		}
		defer func() { _ = resp.Body.Close() }()
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /metrics of %s: %s", addr, resp.Status)
		}
		return nil
	}
}

// asPerson is ctx carrying the person's access token.
func (s *Shape) asPerson(ctx context.Context, username string) (context.Context, error) {
	tok, err := s.issuer.Token(username)
	if err != nil {
		return nil, err
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok), nil
}

// personCall is a probe calling method on addr as username, accepting an OK answer or one of
// the codes in also (e.g. NotFound for a journey that does not exist).
func (s *Shape) personCall(addr, username, method string, req, reply any, also ...codes.Code) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		ctx, err := s.asPerson(ctx, username)
		if err != nil {
			return err
		}
		err = invoke(ctx, addr, s.client, method, req, reply)
		for _, c := range also {
			if status.Code(err) == c {
				return nil
			}
		}
		return err
	}
}
