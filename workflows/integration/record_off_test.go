//go:build !recordhistory

package integration

import (
	"testing"

	"go.temporal.io/sdk/client"
)

// recordHistories is true only with the recordhistory build tag.
const recordHistories = false

func recordHistory(*testing.T, client.Client, string, string) {}
