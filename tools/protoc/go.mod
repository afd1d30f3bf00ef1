// protoc plugins that buf runs (api/buf.gen.yaml, api/buf.gen.gateway.yaml), pinned to the same
// versions as the runtimes in api/go.mod: protoc-gen-go = google.golang.org/protobuf,
// protoc-gen-grpc-gateway and protoc-gen-openapiv2 = grpc-gateway/v2. Kept apart from ../go.mod
// because minimal version selection there would lift protoc-gen-go to whatever buf requires.
// `make tools` builds them into ../../bin with GOWORK=off (this module is not in go.work).
module github.com/nhs-pathways/pathways/tools/protoc

go 1.26.8

tool (
	github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway
	github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2
	google.golang.org/grpc/cmd/protoc-gen-go-grpc
	google.golang.org/protobuf/cmd/protoc-gen-go
)

require (
	github.com/grpc-ecosystem/grpc-gateway/v2 v2.29.0 // indirect
	github.com/kr/text v0.2.0 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	go.yaml.in/yaml/v3 v3.0.4 // indirect
	golang.org/x/text v0.36.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20260414002931-afd174a4e478 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260414002931-afd174a4e478 // indirect
	google.golang.org/grpc v1.81.0 // indirect
	google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.6.2 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
