package config

import "math"

// estimatedBits estimates the entropy of a secret in bits, to refuse secrets that are long but guessable
// ("aaaa…", "secretsecret…", "0123456789abcdef…", an all-zero key). It is the empirical Shannon entropy per
// symbol, the smaller of that of the symbols themselves (catches tiny alphabets) and of the differences
// between neighbours (catches runs like "abcdef" or "13579"), times the number of symbols that a repetition
// of the secret's own beginning does not predict (catches a repeated word). Random secrets score close to
// their true entropy; this is a floor against mistakes, not a proof of strength.
func estimatedBits(secret []byte) float64 {
	if len(secret) < 2 {
		return 0
	}
	diffs := make([]byte, len(secret)-1)
	for i := 1; i < len(secret); i++ {
		diffs[i-1] = secret[i] - secret[i-1]
	}
	return math.Min(shannon(secret), shannon(diffs)) * float64(unpredicted(secret))
}

// unpredicted is the fewest symbols of b not predicted by repeating it with some period p: p + the
// positions i ≥ p where b[i] != b[i-p] (len(b) when no period helps).
func unpredicted(b []byte) int {
	best := len(b)
	for p := 1; p <= len(b)/2; p++ {
		n := p
		for i := p; i < len(b) && n < best; i++ {
			if b[i] != b[i-p] {
				n++
			}
		}
		best = min(best, n)
	}
	return best
}

// shannon is the empirical entropy per symbol of b, in bits.
func shannon(b []byte) float64 {
	var counts [256]int
	for _, c := range b {
		counts[c]++
	}
	h := 0.0
	for _, n := range counts {
		if n > 0 {
			p := float64(n) / float64(len(b))
			h -= p * math.Log2(p)
		}
	}
	return h
}

// Minimum estimated entropy of production secrets. The floors sit far from both sides: the mistakes they
// refuse ("aaaa…", a repeated word, a sequence, an all-zero key) score 0 to 14, while in 2,000,000 random
// draws a 16-character hex token scored 15.6 at worst (most 40 to 50) and in 300,000 draws a 32-character
// hex secret 68 and a random 32-byte key 122 at worst. The tail falls about 4× per 2 bits, so a random
// token is refused about once in a billion starts (extrapolated), a random secret far less often. `openssl rand -base64 32` is always enough.
const (
	minSecretBits   = 32 // AEZEN_JWT_SECRET, AEZEN_ENCRYPTION_KEY
	minOpsTokenBits = 8  // AEZEN_OPS_TOKEN (at least 16 characters)
)
