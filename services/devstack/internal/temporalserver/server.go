package temporalserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

// Server is a running embedded Temporal server (and UI). Its accessors are safe for concurrent
// use; Stop it once.
type Server struct {
	srv       temporal.Server
	ui        *uiserver.Server
	frontend  string
	clientTLS *tls.Config // how the server's own clients reach the frontend; nil: plaintext
	uiAddr    string
	uiURL     string
	uiDone    chan struct{}
}

// Start prepares the databases (see prepareStores) and the namespace, then starts every Temporal service and,
// when asked, the Web UI. It returns once the frontend accepts calls (and the UI answers).
// Certificate files are read and checked before anything starts.
func Start(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	ownTLS, err := checkOptions(o)
	if err != nil {
		return nil, err
	}
	st, err := prepareStores(ctx, o)
	if err != nil {
		return nil, err
	}
	frontendPort, err := portOrFree(o.IP, o.FrontendPort)
	if err != nil {
		return nil, err
	}
	p, err := allocatePorts(o.IP, frontendPort)
	if err != nil {
		return nil, err
	}
	srv, err := newTemporal(o, serverConfig(o, st, p), p)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	s := &Server{srv: srv, frontend: p.hostPort(o.IP, primitives.FrontendService), clientTLS: ownTLS}
	if err := s.waitReady(ctx, o.Namespace, o.Retention); err != nil {
		_ = srv.Stop()
		return nil, err
	}
	if o.UI {
		if err := s.startUI(ctx, o); err != nil {
			_ = srv.Stop()
			return nil, err
		}
	}
	return s, nil
}

// checkOptions validates o, reads its certificates and installs the issuer's CA (see
// UIAuthOptions.CAFile); it returns how the server's own clients reach the frontend.
func checkOptions(o Options) (*tls.Config, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	ownTLS, err := clientTLS(o.TLS, o.IP)
	if err != nil {
		return nil, err
	}
	if o.UIAuth != nil {
		if err := trustProcessWide(o.UIAuth.CAFile); err != nil {
			return nil, err
		}
	}
	return ownTLS, nil
}

func newTemporal(o Options, cfg *config.Config, p ports) (temporal.Server, error) {
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: o.LogLevel, OutputFile: o.LogFile}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporal authorizer: %w", err)
	}
	claims, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporal claim mapper: %w", err)
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	for svc := range p {
		hosts[svc] = static.SingleLocalHost(p.hostPort(o.IP, svc))
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claims }),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	return srv, nil
}

// FrontendAddr is the frontend gRPC address (host:port) clients dial.
func (s *Server) FrontendAddr() string { return s.frontend }

// UIAddr is the Web UI address (host:port), or "" when the UI is off.
func (s *Server) UIAddr() string { return s.uiAddr }

// UIURL is the Web UI's URL (https:// with Options.UITLS, else http://), or "" when the UI is off.
func (s *Server) UIURL() string { return s.uiURL }

// Stop stops the UI and then every Temporal service; the databases keep all state.
func (s *Server) Stop() error {
	var errs []error
	if s.ui != nil {
		s.ui.Stop()
		select {
		case <-s.uiDone:
		case <-time.After(5 * time.Second):
			errs = append(errs, errors.New("temporal ui did not stop within 5s"))
		}
	}
	if err := s.srv.Stop(); err != nil {
		errs = append(errs, fmt.Errorf("stop temporal server: %w", err))
	}
	return errors.Join(errs...)
}
