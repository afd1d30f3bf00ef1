// Package domain is the pathway registry as pure Go: the Pathway aggregate holding every version of
// one pathway, the governance events it is rebuilt from, the rules Expert Oversight Groups work
// under (four-eyes approval, immutability once published, one version in effect at any time) and
// the typed errors those rules raise. It does no I/O and reads no clock: callers pass the time.
package domain
