// Package demo loads a synthetic population into a running system through the real coordinator
// API: referrals for MSK and COPD with NHS numbers from the 999 test range (valid modulus 11 check
// digits), synthetic ODS practice and PCN codes, every population segment, and journeys driven to
// every stage (awaiting triage, triage breached, in intervention, outcome review, discharged,
// cancelled).
//
// Loading is idempotent: referral IDs and request IDs are fixed, a journey already at its target
// stage is left alone, and a journey part-way through its script is carried on (each transition
// is deduplicated by its request ID).
package demo
