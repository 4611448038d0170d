package persistence

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// Cipher encrypts channel credentials at rest with AES-256-GCM. Sealed values are "v1:" + base64(nonce‖ciphertext).
type Cipher struct {
	aead cipher.AEAD
}

// NewCipher creates a cipher from a 32-byte key.
func NewCipher(key []byte) (*Cipher, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Cipher{aead: aead}, nil
}

const sealedPrefix = "v1:"

// Seal encrypts plaintext; an empty string stays empty.
func (c *Cipher) Seal(plaintext string) string {
	if plaintext == "" {
		return ""
	}
	nonce := make([]byte, c.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := c.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return sealedPrefix + base64.StdEncoding.EncodeToString(out)
}

// Open decrypts a value made by Seal.
func (c *Cipher) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if !strings.HasPrefix(sealed, sealedPrefix) {
		return "", errors.New("value is not sealed")
	}
	raw, err := base64.StdEncoding.DecodeString(sealed[len(sealedPrefix):])
	if err != nil || len(raw) < c.aead.NonceSize() {
		return "", errors.New("sealed value is corrupt")
	}
	n := c.aead.NonceSize()
	plain, err := c.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("sealed value does not decrypt with the configured key")
	}
	return string(plain), nil
}

// SealPtr seals an optional value.
func (c *Cipher) SealPtr(p *string) *string {
	if p == nil {
		return nil
	}
	s := c.Seal(*p)
	return &s
}
