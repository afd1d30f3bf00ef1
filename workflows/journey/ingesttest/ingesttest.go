// Package ingesttest runs in-memory FinanceIngestService and DashboardIngestService servers that
// keep the contracts' idempotency rules, for tests of the pushing side (the journey activities
// and the integration tests). A repeated event ID with the same content answers OK with
// duplicate=true and is not applied again; the same ID with other content answers AlreadyExists.
// Servers are safe for concurrent use.
package ingesttest

import (
	"context"
	"net"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// Receiver applies each event ID once and remembers what it applied, in order, and every call
// it got.
type Receiver struct {
	mu       sync.Mutex
	content  map[string][]byte
	applied  []proto.Message
	received []Call
	lose     int
}

// Call is one call a Receiver got, in the order they came.
type Call struct {
	EventID string
	// Applied: the call's fact was new and this call applied it.
	Applied bool
	// Acknowledged: the caller got an OK answer (new or duplicate). Not when the answer was lost
	// (LoseAnswers), the call was refused, or the caller had stopped waiting (its context ended)
	// by the time the receiver answered.
	Acknowledged bool
}

// LoseAnswers makes the next n calls apply their fact (if new) and then answer Unavailable, as
// if the answer was lost on the way back, so the caller retries.
func (r *Receiver) LoseAnswers(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lose = n
}

// Applied returns the facts applied, in order, each once.
func (r *Receiver) Applied() []proto.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]proto.Message(nil), r.applied...)
}

// Calls counts the calls received, duplicates included.
func (r *Receiver) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.received)
}

// Received returns every call received, in order, duplicates included.
func (r *Receiver) Received() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.received...)
}

// Resent returns the event IDs sent again after the caller was told the receiver had them, once
// per extra call, in order. A pusher that delivers each fact once sends an ID again only when it
// did not get the answer (lost, refused, or given up on), so this is empty.
func (r *Receiver) Resent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	acknowledged := map[string]bool{}
	for _, c := range r.received {
		if acknowledged[c.EventID] {
			out = append(out, c.EventID)
		}
		acknowledged[c.EventID] = acknowledged[c.EventID] || c.Acknowledged
	}
	return out
}

func (r *Receiver) receive(ctx context.Context, id string, m proto.Message) (duplicate bool, err error) {
	if id == "" {
		return false, status.Error(codes.InvalidArgument, "event_id: is required")
	}
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return false, status.Error(codes.InvalidArgument, err.Error())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	call := Call{EventID: id}
	defer func() {
		call.Acknowledged = err == nil && ctx.Err() == nil
		r.received = append(r.received, call)
	}()
	if r.content == nil {
		r.content = map[string][]byte{}
	}
	prev, seen := r.content[id]
	switch {
	case seen && string(prev) != string(data):
		return false, status.Errorf(codes.AlreadyExists, "event %s was applied with other content", id)
	case !seen:
		r.content[id] = data
		r.applied = append(r.applied, proto.Clone(m))
		call.Applied = true
	}
	if r.lose > 0 {
		r.lose--
		return false, status.Error(codes.Unavailable, "answer lost (injected)")
	}
	return seen, nil
}

// Finance is an in-memory FinanceIngestService.
type Finance struct {
	financev1.UnimplementedFinanceIngestServiceServer
	Receiver
}

// RecordActivity applies a costed activity once.
func (f *Finance) RecordActivity(ctx context.Context, req *financev1.RecordActivityRequest) (*financev1.RecordActivityResponse, error) {
	dup, err := f.receive(ctx, req.GetEventId(), req)
	if err != nil {
		return nil, err
	}
	return &financev1.RecordActivityResponse{Duplicate: dup}, nil
}

// RecordOutcome applies an outcome once.
func (f *Finance) RecordOutcome(ctx context.Context, req *financev1.RecordOutcomeRequest) (*financev1.RecordOutcomeResponse, error) {
	dup, err := f.receive(ctx, req.GetEventId(), req)
	if err != nil {
		return nil, err
	}
	return &financev1.RecordOutcomeResponse{Duplicate: dup}, nil
}

// Dashboard is an in-memory DashboardIngestService.
type Dashboard struct {
	dashboardv1.UnimplementedDashboardIngestServiceServer
	Receiver
}

// RecordJourneyFact applies a journey fact once.
func (d *Dashboard) RecordJourneyFact(ctx context.Context, req *dashboardv1.RecordJourneyFactRequest) (*dashboardv1.RecordJourneyFactResponse, error) {
	dup, err := d.receive(ctx, req.GetEventId(), req)
	if err != nil {
		return nil, err
	}
	return &dashboardv1.RecordJourneyFactResponse{Duplicate: dup}, nil
}

// Servers are a running Finance and Dashboard on one loopback gRPC server, with a client
// connection to it.
type Servers struct {
	Finance   *Finance
	Dashboard *Dashboard
	// Addr is the server's host:port, for a process that dials finance and the dashboard itself.
	Addr string
	Conn *grpc.ClientConn
}

// Start serves a fresh Finance and Dashboard on 127.0.0.1 until the test ends.
func Start(t testing.TB) *Servers {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ingesttest: listen: %v", err)
	}
	s := &Servers{Finance: &Finance{}, Dashboard: &Dashboard{}, Addr: lis.Addr().String()}
	srv := grpc.NewServer()
	financev1.RegisterFinanceIngestServiceServer(srv, s.Finance)
	dashboardv1.RegisterDashboardIngestServiceServer(srv, s.Dashboard)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(s.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("ingesttest: dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	s.Conn = conn
	return s
}

// FinanceClient returns a client of the Finance server.
func (s *Servers) FinanceClient() financev1.FinanceIngestServiceClient {
	return financev1.NewFinanceIngestServiceClient(s.Conn)
}

// DashboardClient returns a client of the Dashboard server.
func (s *Servers) DashboardClient() dashboardv1.DashboardIngestServiceClient {
	return dashboardv1.NewDashboardIngestServiceClient(s.Conn)
}
