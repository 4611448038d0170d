// Package protos holds the protobuf messages that cross cluster nodes; aezen.pb.go is generated from
// aezen.proto by `make proto` and committed.
package protos

//go:generate go run github.com/bufbuild/buf/cmd/buf@v1.47.2 generate
