package testkit

import (
	"context"
	"crypto/tls"
	"errors"
	"time"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/aezen/engine/internal/clustertls"
)

// ErrActorPortOpen is what ProbeActorPort returns when the port let the client in.
var ErrActorPortOpen = errors.New("the actor port answered a client without the cluster certificate")

// ProbeActorPort plays an attacker at a member's actor port (host:port): it opens protoactor's remoting
// stream as a peer would, with tlsCfg (nil: plain gRPC), and also asks for the member's process list. It
// returns ErrActorPortOpen when either answered, nil when both were refused.
func ProbeActorPort(addr string, tlsCfg *tls.Config) error {
	creds := insecure.NewCredentials()
	if tlsCfg != nil {
		creds = credentials.NewTLS(tlsCfg)
	}
	conn, err := grpc.Dial(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		return nil
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	client := remote.NewRemotingClient(conn)
	if _, err := client.ListProcesses(ctx, &remote.ListProcessesRequest{}); err == nil {
		return ErrActorPortOpen
	}
	stream, err := client.Receive(ctx)
	if err != nil {
		return nil
	}
	err = stream.Send(&remote.RemoteMessage{MessageType: &remote.RemoteMessage_ConnectRequest{
		ConnectRequest: &remote.ConnectRequest{ConnectionType: &remote.ConnectRequest_ClientConnection{
			ClientConnection: &remote.ClientConnection{SystemId: "intruder"}}}}})
	if err != nil {
		return nil
	}
	if msg, err := stream.Recv(); err == nil && msg.GetConnectResponse() != nil {
		return ErrActorPortOpen
	}
	return nil
}

// ForeignTLS is a client configuration with a certificate of a CA that is not the cluster's: a
// well-formed mutual-TLS client that is not a member.
func ForeignTLS() *tls.Config {
	ca, err := clustertls.NewCA("not the cluster CA")
	if err != nil {
		panic(err)
	}
	certPEM, keyPEM, err := ca.Issue("aezen-member")
	if err != nil {
		panic(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		panic(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
}
