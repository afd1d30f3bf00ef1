package ports_test

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// TestInternalErrorsAreLoggedNotShown: a failure of the read model (here: its database is
// closed) answers Internal with no detail; the detail goes to the service log. The dashboard used
// to send the error's text to the caller.
func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	var log bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	dbPath := filepath.Join(t.TempDir(), "dashboard.db")
	store, err := adapters.OpenStore(t.Context(), dbPath)
	require.NoError(t, err)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	a := app.New(store, nil, domain.NewCatalog(pathway.Builtin()), func() time.Time { return now }, disclosure.Default())
	require.NoError(t, store.Close())

	_, err = ports.NewQuery(a).GetSystemFigures(t.Context(), &dashboardv1.GetSystemFiguresRequest{})
	st := status.Convert(err)
	require.Equal(t, codes.Internal, st.Code(), st.Message())
	require.Equal(t, rpcerr.InternalMessage, st.Message())
	require.NotContains(t, st.Message(), "closed")
	require.Contains(t, log.String(), "closed", "the detail is in the service log")
}

// TestRefusalsKeepTheirMessage: bad input is the caller's to fix, so it says what is wrong.
func TestRefusalsKeepTheirMessage(t *testing.T) {
	store, err := adapters.OpenStore(t.Context(), filepath.Join(t.TempDir(), "dashboard.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	a := app.New(store, nil, domain.NewCatalog(pathway.Builtin()), nil, disclosure.Default())

	_, err = ports.NewQuery(a).GetSystemFigures(t.Context(), &dashboardv1.GetSystemFiguresRequest{
		Filter: &dashboardv1.Filter{FromMonth: "not a month"}})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "from_month")
}
