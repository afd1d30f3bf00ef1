package ports

import (
	"context"
	"fmt"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Gateway returns the REST/JSON handler: the grpc-gateway routes of CoordinatorService, calling
// the gRPC service through conn (so the same interceptors run), plus, each guarded by its row of
// the access table, the OpenAPI document at
// /openapi.json (AccessAuditService's at /openapi-audit.json). The identity headers (X-Actor, X-Roles, X-Eog: platform/identity) become metadata.
func Gateway(ctx context.Context, conn *grpc.ClientConn, guard identity.Interceptor) (http.Handler, error) {
	gw := runtime.NewServeMux(runtime.WithIncomingHeaderMatcher(headerMatcher))
	if err := coordinatorv1.RegisterCoordinatorServiceHandler(ctx, gw, conn); err != nil {
		return nil, fmt.Errorf("register coordinator gateway: %w", err)
	}
	if err := coordinatorv1.RegisterPatientDataServiceHandler(ctx, gw, conn); err != nil {
		return nil, fmt.Errorf("register PatientDataService gateway: %w", err)
	}
	if err := coordinatorv1.RegisterAccessAuditServiceHandler(ctx, gw, conn); err != nil {
		return nil, fmt.Errorf("register access audit gateway: %w", err)
	}
	mux := http.NewServeMux()
	document := func(route string, doc []byte) {
		mux.Handle(route, guard.Handle(route, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(doc)
		})))
	}
	document("GET /openapi.json", coordinatorv1.OpenAPI)
	document("GET /openapi-audit.json", coordinatorv1.AuditOpenAPI)
	document("GET /openapi-patientdata.json", coordinatorv1.PatientDataOpenAPI)
	mux.Handle("/", gw)
	return mux, nil
}

func headerMatcher(key string) (string, bool) {
	if k, ok := identity.ForwardedHeader(key); ok {
		return k, true
	}
	return runtime.DefaultHeaderMatcher(key)
}
