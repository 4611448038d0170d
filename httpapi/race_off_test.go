//go:build !race

package httpapi_test

const raceBuild = false
