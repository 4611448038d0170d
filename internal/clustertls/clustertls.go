// Package clustertls gives cluster members the mutual TLS they talk over: every member presents a
// certificate issued by the cluster's CA and accepts only peers that do, so that the actor port (which
// can read and change any tenant's data) answers nobody else. It also issues throwaway CAs for `make
// cluster`, the tests and `aezen cluster-ca`, and an in-memory one for a single-member node, whose actor
// port then accepts no connection from outside its own process.
package clustertls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Files are the PEM files a member reads (AEZEN_CLUSTER_TLS_CA, _CERT, _KEY).
type Files struct{ CA, Cert, Key string }

// Pair is a member's server and client TLS configuration.
type Pair struct{ Server, Client *tls.Config }

// Load reads the cluster CA and this member's certificate and key.
func Load(f Files) (*Pair, error) {
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		return nil, fmt.Errorf("AEZEN_CLUSTER_TLS_CA: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return nil, fmt.Errorf("AEZEN_CLUSTER_TLS_CERT/AEZEN_CLUSTER_TLS_KEY: %w", err)
	}
	return newPair(caPEM, cert)
}

// Ephemeral returns a pair from a CA made in memory and forgotten: nothing outside this process holds a
// certificate it accepts. A single-member node uses it.
func Ephemeral() (*Pair, error) {
	ca, err := NewCA("aezen ephemeral cluster CA")
	if err != nil {
		return nil, err
	}
	certPEM, keyPEM, err := ca.Issue("aezen member")
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return newPair(ca.CertPEM, cert)
}

func newPair(caPEM []byte, cert tls.Certificate) (*Pair, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("AEZEN_CLUSTER_TLS_CA holds no PEM certificate")
	}
	server := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	}
	// Members dial each other by whatever address the provider advertises (pod IPs change with every
	// restart), so the client checks that the peer's chain ends at the cluster CA rather than its name:
	// membership is holding a certificate of this CA.
	client := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		Certificates:       []tls.Certificate{cert},
		InsecureSkipVerify: true, // replaced by VerifyConnection below, which checks the chain
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("cluster peer presented no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
			if err != nil {
				return fmt.Errorf("cluster peer's certificate is not from the cluster CA: %w", err)
			}
			return nil
		},
	}
	return &Pair{Server: server, Client: client}, nil
}

// CA is a certificate authority held in memory.
type CA struct {
	CertPEM, KeyPEM []byte
	cert            *x509.Certificate
	key             *ecdsa.PrivateKey
}

// NewCA makes a self-signed CA valid for ten years.
func NewCA(name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return &CA{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), KeyPEM: keyPEM, cert: cert, key: key}, nil
}

// Issue makes a member certificate (server and client use) valid for two years.
func (ca *CA) Issue(name string) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(2, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:     []string{name},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

// WriteNew makes a CA and one member certificate (all members may share it) in dir: ca.crt, ca.key,
// member.crt and member.key (keys readable by the owner only). It returns the paths members read.
func WriteNew(dir string) (Files, error) {
	ca, err := NewCA("aezen cluster CA")
	if err != nil {
		return Files{}, err
	}
	certPEM, keyPEM, err := ca.Issue("aezen-member")
	if err != nil {
		return Files{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Files{}, err
	}
	f := Files{CA: filepath.Join(dir, "ca.crt"), Cert: filepath.Join(dir, "member.crt"), Key: filepath.Join(dir, "member.key")}
	for path, data := range map[string][]byte{f.CA: ca.CertPEM, filepath.Join(dir, "ca.key"): ca.KeyPEM, f.Cert: certPEM, f.Key: keyPEM} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return Files{}, err
		}
	}
	return f, nil
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}
