// Package ports serves the dashboard: the gRPC ingest and query services (mapping domain errors
// to status codes with field violations) and the web page with its embedded assets.
package ports
