package limits_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

// testService answers UnaryCall with a payload of the size asked and drains FullDuplexCall.
type testService struct {
	testgrpc.UnimplementedTestServiceServer
}

func (testService) UnaryCall(_ context.Context, in *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	return &testgrpc.SimpleResponse{Payload: &testgrpc.Payload{Body: make([]byte, in.GetResponseSize())}}, nil
}

func (testService) FullDuplexCall(stream grpc.BidiStreamingServer[testgrpc.StreamingOutputCallRequest, testgrpc.StreamingOutputCallResponse]) error {
	for {
		if _, err := stream.Recv(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// listen serves the test service, health and reflection on loopback with opts and returns the
// address.
func listen(t *testing.T, opts ...grpc.ServerOption) string {
	t.Helper()
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(opts...)
	serve.Register(srv)
	testgrpc.RegisterTestServiceServer(srv, testService{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(64<<20)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestMessagesOverTheCapsAreRefused(t *testing.T) {
	cfg := limits.DefaultConfig()
	cfg.MaxRecvMsgBytes = 1 << 10
	client := testgrpc.NewTestServiceClient(dial(t, listen(t, limits.GRPCServerOptions(cfg)...)))

	_, err := client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: make([]byte, 512)}})
	require.NoError(t, err, "a message under the cap is served")
	_, err = client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: make([]byte, 2<<10)}})
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "a request over -grpc-max-recv-bytes: %v", err)

	// The default send cap (16 MiB) stops an answer gRPC alone would send (it has no send cap).
	_, err = client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{ResponseSize: limits.DefaultMaxSendMsgBytes + 1})
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "an answer over -grpc-max-send-bytes: %v", err)
}

// h2 speaks raw HTTP/2 to a gRPC server, to see its SETTINGS and send pings no gRPC client would.
func h2(t *testing.T, addr string) *http2.Framer {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(time.Minute)), "a safety net against a hang, not an assertion")
	_, err = conn.Write([]byte(http2.ClientPreface))
	require.NoError(t, err)
	fr := http2.NewFramer(conn, conn)
	require.NoError(t, fr.WriteSettings())
	return fr
}

func TestConcurrentStreamsAreCapped(t *testing.T) {
	fr := h2(t, listen(t, limits.GRPCServerOptions(limits.DefaultConfig())...))
	f, err := fr.ReadFrame()
	require.NoError(t, err)
	settings, ok := f.(*http2.SettingsFrame)
	require.True(t, ok, "the server speaks first with its SETTINGS, not %v", f)
	streams, ok := settings.Value(http2.SettingMaxConcurrentStreams)
	require.True(t, ok, "the server announces a concurrent stream cap")
	require.EqualValues(t, limits.DefaultMaxConcurrentStreams, streams)
}

// pings sends n pings at once and reads until all are answered (true) or the server sends
// GOAWAY (false, with it).
func pings(t *testing.T, fr *http2.Framer, n int) (bool, *http2.GoAwayFrame) {
	t.Helper()
	for i := range n {
		require.NoError(t, fr.WritePing(false, [8]byte{byte(i)}))
	}
	for acked := 0; acked < n; {
		f, err := fr.ReadFrame()
		require.NoError(t, err, "read after %d of %d ping answers", acked, n)
		switch f := f.(type) {
		case *http2.PingFrame:
			if f.IsAck() {
				acked++
			}
		case *http2.GoAwayFrame:
			return false, f
		}
	}
	return true, nil
}

// gRPC's GOAWAY after a third ping strike comes right after that ping's answer, so a later
// ping answered proves there was none.
func TestKeepaliveEnforcement(t *testing.T) {
	t.Run("pinging more often than the policy allows is GOAWAY too_many_pings", func(t *testing.T) {
		fr := h2(t, listen(t, limits.GRPCServerOptions(limits.DefaultConfig())...))
		answered, goAway := pings(t, fr, 8)
		require.False(t, answered, "eight pings at once break a %s minimum", limits.DefaultPingMinInterval)
		require.Equal(t, http2.ErrCodeEnhanceYourCalm, goAway.ErrCode)
		require.Equal(t, "too_many_pings", string(goAway.DebugData()))
	})
	t.Run("pings without calls at the policy's interval are allowed", func(t *testing.T) {
		cfg := limits.DefaultConfig()
		cfg.PingMinInterval = time.Nanosecond // every ping is later than the last by more than that
		fr := h2(t, listen(t, limits.GRPCServerOptions(cfg)...))
		answered, goAway := pings(t, fr, 8)
		require.True(t, answered, "gRPC's default policy (5 minutes, not without calls) would have sent %v", goAway)
	})
}

// clock is a settable time for the limiter: the tests decide when tokens come back.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// limited serves the test service behind the identity interceptor (interim x-actor metadata,
// anonymous callers admitted) and then a limiter of one call a second, bursts of one.
func limited(t *testing.T, c *clock) testgrpc.TestServiceClient {
	t.Helper()
	auth := identity.Interceptor{Anonymous: func(string) bool { return true }}
	l := limits.NewLimiter(limits.Rate{PerSecond: 1, Burst: 1, Now: c.Now})
	addr := listen(t, grpc.ChainUnaryInterceptor(auth.Unary, l.Unary), grpc.ChainStreamInterceptor(auth.Stream, l.Stream))
	return testgrpc.NewTestServiceClient(dial(t, addr))
}

func as(t *testing.T, actor string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "x-actor", actor)
}

// retryDelay is the RetryInfo delay of a ResourceExhausted refusal.
func retryDelay(t *testing.T, err error) time.Duration {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.ResourceExhausted, st.Code(), "over the rate: %v", err)
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.RetryInfo); ok {
			return info.GetRetryDelay().AsDuration()
		}
	}
	require.FailNow(t, "no RetryInfo detail", "%v", st.Details())
	return 0
}

func TestEachPrincipalIsRateLimited(t *testing.T) {
	c := newClock()
	client := limited(t, c)
	call := func(ctx context.Context) error {
		_, err := client.UnaryCall(ctx, &testgrpc.SimpleRequest{})
		return err
	}

	require.NoError(t, call(as(t, "alice")))
	err := call(as(t, "alice"))
	require.Equal(t, time.Second, retryDelay(t, err), "the wait is until alice's next token")
	require.Contains(t, status.Convert(err).Message(), "retry in 1s")
	require.NoError(t, call(as(t, "bob")), "another principal is still served")

	stream, err := client.FullDuplexCall(as(t, "alice"))
	require.NoError(t, err)
	_, err = stream.Recv()
	require.Equal(t, time.Second, retryDelay(t, err), "opening a stream costs a token too")

	c.Advance(time.Second)
	require.NoError(t, call(as(t, "alice")), "a second later alice has a token again")
}

func TestAnonymousCallersAreLimitedByAddress(t *testing.T) {
	client := limited(t, newClock())
	_, err := client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{})
	require.NoError(t, err)
	_, err = client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{})
	require.Equal(t, time.Second, retryDelay(t, err), "the second anonymous call from 127.0.0.1")
	_, err = client.UnaryCall(as(t, "carol"), &testgrpc.SimpleRequest{})
	require.NoError(t, err, "a principal from that address has a bucket of its own")
}

func TestHealthChecksAreNeverLimited(t *testing.T) {
	c := newClock()
	auth := identity.Interceptor{}
	l := limits.NewLimiter(limits.Rate{PerSecond: 1, Burst: 1, Now: c.Now})
	addr := listen(t, grpc.ChainUnaryInterceptor(auth.Unary, l.Unary), grpc.ChainStreamInterceptor(auth.Stream, l.Stream))
	health := healthpb.NewHealthClient(dial(t, addr))
	for range 5 {
		resp, err := health.Check(t.Context(), &healthpb.HealthCheckRequest{})
		require.NoError(t, err)
		require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus())
	}
	watch, err := health.Watch(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	_, err = watch.Recv()
	require.NoError(t, err, "a Watch stream after five checks from one address")
}

func TestUnlimitedCallers(t *testing.T) {
	l := limits.NewLimiter(limits.Rate{PerSecond: 1, Burst: 1, Now: newClock().Now,
		Unlimited: func(p identity.Principal) bool { return p.Service != "" }})
	call := func(p identity.Principal) error {
		_, err := l.Unary(identity.WithPrincipal(t.Context(), p), nil, &grpc.UnaryServerInfo{FullMethod: "/grpc.testing.TestService/UnaryCall"},
			func(context.Context, any) (any, error) { return nil, nil })
		return err
	}
	worker := identity.Principal{Subject: "service:worker", Actor: "worker", Service: "worker"}
	for range 3 {
		require.NoError(t, call(worker), "a service Unlimited names")
	}
	dave := identity.Principal{Subject: "dave", Actor: "Dave"}
	require.NoError(t, call(dave))
	require.Equal(t, codes.ResourceExhausted, status.Code(call(dave)), "people are still limited")
}

func TestCheckByAKeyOfTheServersOwn(t *testing.T) {
	l := limits.NewLimiter(limits.Rate{PerSecond: 2, Burst: 1, Now: newClock().Now})
	require.NoError(t, l.Check("user:admin"))
	require.Equal(t, 500*time.Millisecond, retryDelay(t, l.Check("user:admin")))
	require.NoError(t, l.Check("user:ops"))
}
