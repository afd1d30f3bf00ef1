// Package adapters connects the governance application to the outside: the journal-backed
// repository (governance events <-> protobuf events in "pathway-<id>" streams) and the pathway
// definition model (parse, validate, diff, built-in versions).
package adapters
