//go:build race

package httpapi_test

// raceBuild: the tests run under the race detector (its sync.Pool drops a quarter of what is given back).
const raceBuild = true
