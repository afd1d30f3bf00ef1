package demo

import "github.com/nhs-pathways/pathways/workflows/nhsnumber"

// NHSNumbers returns the first n valid NHS numbers of the 999 test range, in order (never issued
// to a patient); see nhsnumber.TestNumbers.
func NHSNumbers(n int) []string { return nhsnumber.TestNumbers(n) }
