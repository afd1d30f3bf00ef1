package accesstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// StreamWait bounds how long Check waits for a streaming call's first answer (its header, a
// message or its end) before failing: a hang guard, not a timing assertion. A refusal comes
// before any handler runs; an admitted streaming handler must send its header (SendHeader) or a
// message, or end, when called with an empty request.
const StreamWait = time.Minute

// Check calls every RPC of policy (its keys that are full method names, "/pkg.Service/Method") on conn, or each caller's own
// connection, as each caller, with an empty request of the method's input type (found through
// protoregistry), and fails the test for every answer other than the table's (see the package
// comment). It also fails for an RPC of services without a row, and for a row naming no RPC of
// services.
func Check(t *testing.T, conn *grpc.ClientConn, policy identity.Policy, services []grpc.ServiceDesc, callers []Caller) {
	t.Helper()
	for _, m := range policy.Missing(services...) {
		t.Errorf("%s has no row in the access table: add one (nobody may call it until then)", m)
	}
	methods := rpcs(services)
	for _, key := range policy.Keys() {
		if !isRPC(key) {
			continue // an HTTP route: CheckHTTP
		}
		m, ok := methods[key]
		if !ok {
			t.Errorf("the row %s names no RPC of the services given", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			for _, c := range callers {
				got := outcome(status.Code(invoke(t, pick(c.Conn, conn), key, m, c.Token)))
				if w := want(policy[key], c.As); got != w {
					t.Errorf("%s called by %s: %s, the table says %s", key, c.Name, describe(got), describe(w))
				}
			}
		})
	}
}

func pick[T comparable](own, shared T) T {
	var zero T
	if own != zero {
		return own
	}
	return shared
}

// rpc is one method of a served gRPC service.
type rpc struct {
	streaming bool
	method    protoreflect.MethodDescriptor
}

// rpcs lists the methods of services by full method name ("/pkg.Service/Method").
func rpcs(services []grpc.ServiceDesc) map[string]rpc {
	out := map[string]rpc{}
	for _, sd := range services {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(sd.ServiceName))
		svc, ok := d.(protoreflect.ServiceDescriptor)
		if err != nil || !ok {
			continue // not registered: its rows are reported as naming no RPC
		}
		add := func(name string, streaming bool) {
			if md := svc.Methods().ByName(protoreflect.Name(name)); md != nil {
				out["/"+sd.ServiceName+"/"+name] = rpc{streaming: streaming, method: md}
			}
		}
		for _, m := range sd.Methods {
			add(m.MethodName, false)
		}
		for _, s := range sd.Streams {
			add(s.StreamName, true)
		}
	}
	return out
}

// newMessage is an empty message of type d: the generated type when registered, else dynamic.
func newMessage(d protoreflect.MessageDescriptor) proto.Message {
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(d.FullName()); err == nil {
		return mt.New().Interface()
	}
	return dynamicpb.NewMessage(d)
}

// invoke makes one call with an empty request and returns its error (nil: admitted and
// answered, or a stream admitted and open).
func invoke(t *testing.T, conn *grpc.ClientConn, key string, m rpc, token string) error {
	ctx := t.Context()
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	in, out := newMessage(m.method.Input()), newMessage(m.method.Output())
	if !m.streaming {
		return conn.Invoke(ctx, key, in, out)
	}
	ctx, cancel := context.WithTimeout(ctx, StreamWait)
	defer cancel() // ends an admitted stream
	cs, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, key)
	if err != nil {
		return err
	}
	_ = cs.SendMsg(in) // an error here is the stream's end: RecvMsg reports its status
	_ = cs.CloseSend()
	md, _ := cs.Header() // nil when the stream ended without a header: a refusal, or the handler's own error
	if md != nil {
		return nil
	}
	err = cs.RecvMsg(out)
	if status.Code(err) == codes.DeadlineExceeded && ctx.Err() != nil {
		t.Errorf("%s: no header, message or end within %s: does the streaming handler send its header first?", key, StreamWait)
		return fmt.Errorf("%s: %w", key, err)
	}
	return err
}
