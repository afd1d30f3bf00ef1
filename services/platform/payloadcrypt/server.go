package payloadcrypt

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// The codec server's routes, as the access table names them, under Path.
const (
	Path        = "/codec"
	EncodeRoute = "POST " + Path + "/encode"
	DecodeRoute = "POST " + Path + "/decode"
)

// DefaultMaxBodyBytes bounds a request's body when CodecServer.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 4 << 20

// CodecServer serves Temporal's remote codec protocol under Path: POST /codec/encode and POST
// /codec/decode, each taking and answering {"payloads": [...]} (the protojson form of
// temporal.api.common.v1.Payloads, as converter.NewPayloadCodecHTTPHandler and the Web UI
// speak it). Guard admits each call by the caller's bearer token and the access table's rows
// EncodeRoute and DecodeRoute (401 without a token, 403 without the role). Browsers are let in
// from AllowedOrigins only: a preflight (OPTIONS) from one is answered with the CORS headers
// (credentials allowed; Authorization, Content-Type and X-Namespace headers), a request from any
// other origin is refused (403). Requests without an Origin (the temporal CLI) need only the token.
type CodecServer struct {
	Codec          converter.PayloadCodec
	Guard          identity.Interceptor
	AllowedOrigins []string
	// MaxBodyBytes bounds a request's body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// GuardOptions go with Guard.Handle (e.g. identity.ServiceFrom, so a service's certificate is
	// recognised and refused by the table as that service).
	GuardOptions []identity.HTTPOption
}

// Handler returns the handler of Path and everything under it.
func (s CodecServer) Handler() http.Handler {
	encode := s.Guard.Handle(EncodeRoute, s.serve(s.Codec.Encode), s.GuardOptions...)
	decode := s.Guard.Handle(DecodeRoute, s.serve(s.Codec.Decode), s.GuardOptions...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var h http.Handler
		switch r.URL.Path {
		case Path + "/encode":
			h = encode
		case Path + "/decode":
			h = decode
		default:
			http.NotFound(w, r)
			return
		}
		if !s.cors(w, r) {
			return
		}
		switch r.Method {
		case http.MethodOptions:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodPost:
			h.ServeHTTP(w, r)
		default:
			w.Header().Set("Allow", "POST, OPTIONS")
			http.Error(w, "the codec server takes POST only", http.StatusMethodNotAllowed)
		}
	})
}

// cors sets the CORS headers for an allowed Origin and reports whether the request may go on:
// false (answered 403) for a browser's request from another origin, or a preflight without one.
func (s CodecServer) cors(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" {
		if r.Method == http.MethodOptions {
			http.Error(w, "a CORS preflight needs an Origin", http.StatusForbidden)
			return false
		}
		return true
	}
	if !slices.Contains(s.AllowedOrigins, strings.TrimSuffix(origin, "/")) {
		http.Error(w, fmt.Sprintf("origin %q may not call the codec server (not among its allowed CORS origins)", origin), http.StatusForbidden)
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "POST")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		h.Set("Access-Control-Max-Age", "600")
	}
	return true
}

// serve reads the payloads, applies code and writes the result.
func (s CodecServer) serve(code func([]*commonpb.Payload) ([]*commonpb.Payload, error)) http.Handler {
	limit := s.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			http.Error(w, fmt.Sprintf("body: must be at most %d bytes", limit), http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "body: could not be read", http.StatusBadRequest)
			return
		}
		var in commonpb.Payloads
		if err := protojson.Unmarshal(body, &in); err != nil {
			http.Error(w, `body: must be JSON {"payloads": [{"metadata": {...}, "data": "<base64>"}, ...]}`, http.StatusBadRequest)
			return
		}
		out, err := code(in.GetPayloads())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest) // key IDs only: never payload contents
			return
		}
		resp, err := protojson.Marshal(&commonpb.Payloads{Payloads: out})
		if err != nil {
			http.Error(w, "encode the answer", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store") // decoded payloads are patients' data
		_, _ = w.Write(resp)
	})
}
