package stack

import (
	"context"
	"fmt"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

// startPayloadKeys makes the keyring every Temporal payload is encrypted with at first start
// (Config.PayloadKeysFile, 0600), or reads it; with -rotate-payload-key it adds a new primary
// key first, keeping the old ones. The worker and the coordinator read the same file; with
// -insecure too (only TLS and tokens are off there).
func (s *Stack) startPayloadKeys(context.Context) error {
	path := s.cfg.PayloadKeysFile()
	k, err := payloadcrypt.EnsureFile(path)
	if err != nil {
		return err
	}
	if s.cfg.RotatePayloadKey {
		if k, err = payloadcrypt.Rotate(path); err != nil {
			return err
		}
	}
	s.payloadKeys = k
	s.listens("keys", fmt.Sprintf("Temporal payload keyring (primary %s of %d)", k.Primary(), len(k.IDs())), path)
	return nil
}

// PayloadKeys is the keyring the stack's Temporal clients encrypt payloads with, for a client
// of its own (journey.WithPayloadKeys): without it, journeys' inputs and results do not decode.
func (s *Stack) PayloadKeys() payloadcrypt.KeySource { return s.payloadKeys }
