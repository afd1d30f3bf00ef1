package grpcapi

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/operationspb"
)

// Scavenges starts and stops background scavenges for the Operations service. Implementations
// must be safe for concurrent use.
type Scavenges interface {
	// Start starts a scavenge unless one is running. It answers the id of the scavenge now
	// running and whether this call started it.
	Start() (id string, started bool)
	// Stop stops the running scavenge if its id is id, and reports whether it did.
	Stop(id string) bool
}

// Operations implements the scavenge methods of KurrentDB's Operations service
// (event_store.client.operations.Operations): StartScavenge and StopScavenge, for members of
// $admins and $ops (anyone when insecure), as KurrentDB allows them. Its other methods answer
// Unimplemented. It is safe for concurrent use.
type Operations struct {
	operationspb.UnimplementedOperationsServer
	scavenges Scavenges
	access    Access
}

// NewOperations answers the Operations service over scavenges.
func NewOperations(scavenges Scavenges, access Access) *Operations {
	return &Operations{scavenges: scavenges, access: access}
}

// StartScavenge starts a scavenge in the background and answers at once, as KurrentDB does:
// Started with the new scavenge's id, or InProgress with the running one's. The options'
// thread_count and start_from_chunk (KurrentDB's chunk files, which this store has not) must
// not be negative and are otherwise ignored: every scavenge covers the whole store.
func (o *Operations) StartScavenge(ctx context.Context, req *operationspb.StartScavengeReq) (*operationspb.ScavengeResp, error) {
	if err := o.authorize(ctx); err != nil {
		return nil, unaryError(ctx, err)
	}
	opts := req.GetOptions()
	var bad []fieldViolation
	if opts.GetThreadCount() < 0 {
		bad = append(bad, fieldViolation{"options.thread_count", "must not be negative"})
	}
	if opts.GetStartFromChunk() < 0 {
		bad = append(bad, fieldViolation{"options.start_from_chunk", "must not be negative"})
	}
	if len(bad) > 0 {
		return nil, unaryError(ctx, badRequest("invalid scavenge options", bad...))
	}
	id, started := o.scavenges.Start()
	result := operationspb.ScavengeResp_Started
	if !started {
		result = operationspb.ScavengeResp_InProgress
	}
	return &operationspb.ScavengeResp{ScavengeId: id, ScavengeResult: result}, nil
}

// StopScavenge stops the running scavenge named by options.scavenge_id and answers Stopped; a
// scavenge that is not running (finished, or never started) is NotFound. What the scavenge
// removed before it stopped stays removed; the next one finishes the job.
func (o *Operations) StopScavenge(ctx context.Context, req *operationspb.StopScavengeReq) (*operationspb.ScavengeResp, error) {
	if err := o.authorize(ctx); err != nil {
		return nil, unaryError(ctx, err)
	}
	id := req.GetOptions().GetScavengeId()
	if id == "" {
		return nil, unaryError(ctx, invalidField("options.scavenge_id", "the id of the scavenge to stop is required"))
	}
	if !o.scavenges.Stop(id) {
		return nil, status.Error(codes.NotFound, fmt.Sprintf("scavenge %q is not running", id))
	}
	return &operationspb.ScavengeResp{ScavengeId: id, ScavengeResult: operationspb.ScavengeResp_Stopped}, nil
}

// authorize lets administrators and operators (KurrentDB's default policy for node scavenges)
// through; everyone else is refused "Access Denied".
func (o *Operations) authorize(ctx context.Context) *rpcError {
	if o.access == Open {
		return nil
	}
	if p := principalFrom(ctx); p.IsAdmin() || p.IsOps() {
		return nil
	}
	return &rpcError{
		st:       status.New(codes.PermissionDenied, "Access Denied"),
		trailers: metadata.Pairs(exceptionKey, excAccessDenied),
	}
}
