package temporalserver

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// startUI serves the Temporal Web UI (the ui-server module, assets embedded) on o.UIPort. The
// port is checked first: the UI server exits the process if it cannot bind. It waits up to 10s
// (less if ctx ends first) for the UI to answer.
func (s *Server) startUI(ctx context.Context, o Options) error {
	port, err := portOrFree(o.IP, o.UIPort)
	if err != nil {
		return err
	}
	if err := checkFree(o.IP, port); err != nil {
		return fmt.Errorf("temporal ui: %w", err)
	}
	s.ui = uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
		Host: o.IP, Port: port, TemporalGRPCAddress: s.frontend, EnableUI: true,
		DefaultNamespace: o.Namespace, DisableNewsFetch: true, HideLogs: true,
		CORS: uiconfig.CORS{CookieInsecure: true},
	}))
	s.uiDone = make(chan struct{})
	go func() {
		defer close(s.uiDone)
		_ = s.ui.Start()
	}()
	s.uiAddr = net.JoinHostPort(o.IP, strconv.Itoa(port))
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := waitHTTP(ctx, "http://"+s.uiAddr+"/"); err != nil {
		s.ui.Stop()
		return fmt.Errorf("temporal ui: %w", err)
	}
	return nil
}
