// Package domain holds the rules of capitated contracts: contract years (April to March,
// Europe/London dates), allocation schedules, the outcome withhold, budget thresholds, forecasts
// and outcome targets. Money is int64 pence throughout; nothing here does I/O or floating-point
// money arithmetic.
package domain
