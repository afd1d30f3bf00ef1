// Package domain holds the coordinator's rules that need no I/O: NHS number and ODS code
// validation, the referral and transition requests with their field rules, a caller's reach
// (Scope: the PCNs of their token), the access audit trail's entries and queries, and the typed
// errors the application returns (mapped to gRPC codes only in ports).
package domain
