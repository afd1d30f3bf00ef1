// Package ports serves the finance application over gRPC (FinanceIngestService, FinanceService,
// FinanceFeedService) and HTTP (/export.csv, /metrics, each route behind the access table): it
// maps requests to the application and domain errors to gRPC status codes. Who may call what is
// decided before any handler runs, by the identity interceptor enforcing access.FinancePolicy.
package ports
