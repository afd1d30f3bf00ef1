// Package ports serves the finance application over gRPC (FinanceIngestService, FinanceService,
// FinanceFeedService) and HTTP (/export.csv): it maps requests to the application and domain
// errors to gRPC status codes.
package ports
