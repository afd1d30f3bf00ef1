package server

import (
	"fmt"
	"net/http"

	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// withCodec serves the codec server (platform/payloadcrypt: POST /codec/encode and /codec/decode,
// Temporal's remote codec protocol) beside the gateway when payload keys are configured: the
// Temporal Web UI (from Config.CodecCORSOrigins) and the temporal CLI decode journeys' payloads
// through it, each call admitted by the caller's token and the access table's rows.
func withCodec(cfg Config, guard identity.Interceptor, gateway http.Handler) (http.Handler, error) {
	codec, err := cfg.Temporal.PayloadCodec()
	if err != nil {
		return nil, fmt.Errorf("coordinator codec server: %w", err)
	}
	if codec == nil {
		return gateway, nil // -insecure without keys: payloads are in clear, nothing to decode
	}
	mux := http.NewServeMux()
	mux.Handle(payloadcrypt.Path+"/", payloadcrypt.CodecServer{Codec: codec, Guard: guard, AllowedOrigins: cfg.CodecCORSOrigins,
		GuardOptions: []identity.HTTPOption{identity.ServiceFrom(tlsconf.RequestService)}}.Handler())
	mux.Handle("/", gateway)
	return mux, nil
}
