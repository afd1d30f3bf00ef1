// Package cli is pathwayctl: a command-line client of the coordinator API (referrals,
// worklists, journeys and their transitions) and the governance API (pathway versions). It prints
// tables for people and JSON (-o json) for scripts; cmd/pathwayctl only calls Run.
package cli
